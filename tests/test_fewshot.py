"nbs/fewshot.ipynb shares FewShotConfig and runs through papermill; m2clip-fewshot end to end on the embedded default."
import json, subprocess, sys
from pathlib import Path
import papermill as pm
import pytest
from m2clip.config import parameters_source
from m2clip.fewshot import FewShotConfig
from m2clip.synthetic import generate, SyntheticConfig

NB = Path(__file__).resolve().parents[1] / 'nbs' / 'fewshot.ipynb'

@pytest.fixture(scope='module')
def few(tmp_path_factory):
    return generate(tmp_path_factory.mktemp('few') / 'syn', SyntheticConfig(train=18 * 6, val=0, test=0, frames=8, families=9), progress=False)

def test_parameters_cell_is_the_dataclass():
    cells = json.loads(NB.read_text())['cells']
    params = [c for c in cells if 'parameters' in c['metadata'].get('tags', [])]
    assert len(params) == 1 and ''.join(params[0]['source']) == parameters_source(FewShotConfig)

def test_papermill_fewshot_eval_then_train(few, tmp_path):
    base = dict(data_root=str(few), frames=4, num_workers=0, out_dir=str(tmp_path / 'out'), progress=False, device='cpu')
    pm.execute_notebook(str(NB), str(tmp_path / 'e.ipynb'), kernel_name='python3', progress_bar=False,
                        parameters=dict(base, command='eval', shot=2, episodes=15, run_name='nb'))
    r = json.loads((tmp_path / 'out' / 'nb' / 'result.json').read_text())
    assert (r['episodes'], r['shot'], r['params']['frames']) == (15, 2, 4)
    pm.execute_notebook(str(NB), str(tmp_path / 't.ipynb'), kernel_name='python3', progress_bar=False,
                        parameters=dict(base, command='train', method='clipfsar', train_episodes=4, val_episodes=3, run_name='tr'))
    m = json.loads((tmp_path / 'out' / 'tr' / 'metrics.json').read_text())
    assert m['family'] == 'fsar' and m['steps'] == 4 and m['test']['episodes'] == 3

def test_cli_every_baseline_on_identical_episodes(few, small_data, tmp_path):
    "Every baseline through the console script, the later ones on the first one's saved episodes; --json summary."
    run = lambda *a: subprocess.run([sys.executable, '-c', 'from m2clip.fewshot import main; main()', *a, '--data-root', str(few), '--frames', '4',
                                     '--num-workers', '0', '--out-dir', str(tmp_path), '--progress', 'false', '--json'],
                                    capture_output=True, text=True)
    first = run('eval', '--method', 'frozen', '--metric', 'mean', '--episodes', '25', '--run-name', 'mean')
    assert first.returncode == 0, first.stderr
    out = json.loads(first.stdout.splitlines()[-1])
    assert {'accuracy', 'ci95', 'episodes', 'way', 'shot', 'skipped'} <= set(out) and out['episodes'] == 25
    eps = str(tmp_path / 'mean' / 'episodes.json')
    tr = run('train', '--method', 'clipfsar', '--train-episodes', '3', '--val-episodes', '2', '--run-name', 'fsar')
    assert tr.returncode == 0, tr.stderr
    m2 = subprocess.run([sys.executable, '-c', 'from m2clip.trainer import main; main()', '--dataset', 'list', '--data-root', str(small_data),
                         '--frames', '4', '--epochs', '1', '--batch-size', '16', '--num-workers', '0', '--out-dir', str(tmp_path / 'm2'),
                         '--run-name', 'base', '--progress', 'false'], capture_output=True, text=True)   # M2-CLIP on the 10 base classes
    assert m2.returncode == 0, m2.stderr
    for name, extra in (('otam', ['--method', 'frozen']), ('text', ['--method', 'text']),
                        ('fsar-eval', ['--method', 'clipfsar', '--checkpoint', str(tmp_path / 'fsar')]),
                        ('m2clip', ['--method', 'm2clip', '--checkpoint', str(tmp_path / 'm2' / 'base')])):
        r = run('eval', *extra, '--episode-list', eps, '--run-name', name)
        assert r.returncode == 0, r.stderr
        assert json.loads((tmp_path / name / 'episodes.json').read_text())['episodes'] == json.loads(Path(eps).read_text())['episodes']
