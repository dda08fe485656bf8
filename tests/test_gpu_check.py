"""m2clip-gpu-check from a shell: on a machine without a CUDA GPU (CI) it runs nothing, says so in one line and exits 0;
with --require_gpu that is a failure (exit 1). On a GPU machine it runs the checks (nbs/51_gpu_check.ipynb)."""
import subprocess
import pytest, torch

@pytest.mark.skipif(torch.cuda.is_available(), reason='this machine has a GPU: run m2clip-gpu-check itself')
def test_no_gpu_skips_cleanly(tmp_path):
    r = subprocess.run(['m2clip-gpu-check', '--out', str(tmp_path / 'g')], capture_output=True, text=True)
    assert r.returncode == 0 and not r.stderr, r.stderr
    assert r.stdout.count('\n') == 1 and r.stdout.startswith('SKIP m2clip-gpu-check: no CUDA GPU on this machine'), r.stdout
    assert not (tmp_path / 'g').exists()                                             # nothing was run, nothing written
    r = subprocess.run(['m2clip-gpu-check', '--require_gpu'], capture_output=True, text=True)
    assert r.returncode == 1 and r.stdout.startswith('FAIL m2clip-gpu-check: no CUDA GPU'), r.stdout

def test_benchmark_notebook_parameters_are_the_dataclass():
    "nbs/experiments/benchmark.ipynb (which m2clip-gpu-check runs with -p device cuda) takes exactly BenchConfig's fields."
    import json
    from pathlib import Path
    from m2clip.config import parameters_source
    from m2clip.benchmark import BenchConfig
    nb = Path(__file__).resolve().parents[1] / 'nbs' / 'experiments' / 'benchmark.ipynb'
    params = [c for c in json.loads(nb.read_text())['cells'] if 'parameters' in c['metadata'].get('tags', [])]
    assert len(params) == 1 and ''.join(params[0]['source']) == parameters_source(BenchConfig)
