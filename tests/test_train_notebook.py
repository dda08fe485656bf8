"nbs/train.ipynb and nbs/evaluate.ipynb: their parameters cells are TrainConfig's / EvalConfig's, and papermill runs them."
import json
from pathlib import Path
import papermill as pm
import pytest
from m2clip.config import parameters_source
from m2clip.trainer import TrainConfig
from m2clip.evaluate import EvalConfig

NB = Path(__file__).resolve().parents[1] / 'nbs' / 'train.ipynb'

@pytest.mark.parametrize('name,cls', [('train.ipynb', TrainConfig), ('evaluate.ipynb', EvalConfig)])
def test_parameters_cell_is_the_dataclass(name, cls):
    cells = json.loads((NB.parent / name).read_text())['cells']
    params = [c for c in cells if 'parameters' in c['metadata'].get('tags', [])]
    assert len(params) == 1 and ''.join(params[0]['source']) == parameters_source(cls)

def test_papermill_frames_16(small_data, tmp_path):
    out = tmp_path / 'out.ipynb'
    pm.execute_notebook(str(NB), str(out), kernel_name='python3', cwd=str(NB.parent), progress_bar=False,
                        parameters=dict(frames=16, epochs=1, dataset='list', data_root=str(small_data), batch_size=8,
                                        num_workers=0, out_dir=str(tmp_path / 'runs'), run_name='nb16', progress=False))
    m = json.loads((tmp_path / 'runs' / 'nb16' / 'metrics.json').read_text())
    assert m['params']['frames'] == 16 and m['steps'] == 6 and (tmp_path / 'runs' / 'nb16' / 'curves.png').is_file()

def test_papermill_evaluate_notebook(small_data, tmp_path):
    "nbs/evaluate.ipynb with plain tiny CLIP: the supervised protocol is refused (other label set), zero-shot runs."
    nb, out = NB.parent / 'evaluate.ipynb', tmp_path / 'eval.ipynb'
    base = dict(dataset='list', data_root=str(small_data), model='tiny', frames=4, num_workers=0)
    with pytest.raises(pm.PapermillExecutionError, match='use protocol'):
        pm.execute_notebook(str(nb), str(out), kernel_name='python3', progress_bar=False, parameters=base)
    pm.execute_notebook(str(nb), str(out), kernel_name='python3', progress_bar=False,
                        parameters=dict(base, protocol='zeroshot', splits='1', out=str(tmp_path / 'ev')))
    r = json.loads((tmp_path / 'ev' / 'eval.json').read_text())
    assert r['videos'] == 16 and r['settings']['frames'] == 4 and r['per_split'][0]['split'] == 1
