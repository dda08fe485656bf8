"nbs/train.ipynb: its parameters are TrainConfig's, and papermill runs it with -p frames 16."
import dataclasses, json
from pathlib import Path
import papermill as pm
from m2clip.trainer import TrainConfig

NB = Path(__file__).resolve().parents[1] / 'nbs' / 'train.ipynb'

def test_parameters_are_the_train_config():
    params = pm.inspect_notebook(str(NB))
    fields = {f.name: f.default for f in dataclasses.fields(TrainConfig)}
    assert list(params) == list(fields)
    for name, p in params.items(): assert eval(p['default']) == fields[name], name

def test_papermill_frames_16(small_data, tmp_path):
    out = tmp_path / 'out.ipynb'
    pm.execute_notebook(str(NB), str(out), kernel_name='python3', cwd=str(NB.parent), progress_bar=False,
                        parameters=dict(frames=16, epochs=1, dataset='list', data_root=str(small_data), batch_size=8,
                                        num_workers=0, out_dir=str(tmp_path / 'runs'), run_name='nb16', progress=False))
    m = json.loads((tmp_path / 'runs' / 'nb16' / 'metrics.json').read_text())
    assert m['params']['frames'] == 16 and m['steps'] == 6 and (tmp_path / 'runs' / 'nb16' / 'curves.png').is_file()

def test_papermill_evaluate_notebook(small_data, tmp_path):
    "nbs/evaluate.ipynb with plain tiny CLIP: the supervised protocol is refused (other label set), zero-shot runs."
    import pytest
    nb, out = NB.parent / 'evaluate.ipynb', tmp_path / 'eval.ipynb'
    base = dict(dataset='list', data_root=str(small_data), model='tiny', frames=4, num_workers=0)
    with pytest.raises(pm.PapermillExecutionError, match='use protocol'):
        pm.execute_notebook(str(nb), str(out), kernel_name='python3', progress_bar=False, parameters=base)
    pm.execute_notebook(str(nb), str(out), kernel_name='python3', progress_bar=False,
                        parameters=dict(base, protocol='zeroshot', splits='1'))
    text = out.read_text()
    assert "'mean_top1'" in text and "'videos': 16" in text
