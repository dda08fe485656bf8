"""m2clip-reports: the smoke regime runs every experiment notebook of the registry (so a broken one cannot land), writes a record
beside each report and the index; nbs/reports.ipynb shares ReportsConfig and finds everything up to date afterwards."""
import json, subprocess
from pathlib import Path
import papermill as pm
from m2clip.config import parameters_source
from m2clip.reports import ReportsConfig, EXPERIMENTS

ROOT = Path(__file__).resolve().parents[1]

def test_parameters_cell_is_the_dataclass():
    cells = json.loads((ROOT / 'nbs' / 'reports.ipynb').read_text())['cells']
    params = [c for c in cells if 'parameters' in c['metadata'].get('tags', [])]
    assert len(params) == 1 and ''.join(params[0]['source']) == parameters_source(ReportsConfig)

def test_smoke_regime_runs_every_experiment(tmp_path):
    out = tmp_path / 'reports'
    res = subprocess.run(['m2clip-reports', '--regime', 'smoke', '--out', str(out)], cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout.splitlines()[-1] == f'{len(EXPERIMENTS)} of {len(EXPERIMENTS)} reports ok'
    index = (out / 'README.md').read_text()
    for e in EXPERIMENTS:
        rec = json.loads((out / f'{e.name}.provenance.json').read_text())
        assert rec['status'] == 'ok' and rec['regime'] == 'smoke' and rec['parameters']['out'] == str(out), e.name
        assert all((out / o).is_file() for o in e.outputs) and (out / f'{e.name}.ipynb').is_file(), e.name
        assert {k: rec['parameters'][k] for k in e.smoke} == {k: v if not isinstance(v, str) or '{' not in v else rec['parameters'][k]
                                                             for k, v in e.smoke.items()}
        assert f'| [{e.name}](#' in index and (out / e.outputs[0]).read_text().splitlines()[-1].strip() in index, e.name
    # the papermill front: the same config, and now every report is up to date (nothing runs again)
    before = {e.name: (out / e.outputs[0]).stat().st_mtime_ns for e in EXPERIMENTS}
    pm.execute_notebook(str(ROOT / 'nbs' / 'reports.ipynb'), str(tmp_path / 'reports-run.ipynb'), kernel_name='python3', progress_bar=False,
                        parameters=dict(regime='smoke', out=str(out)))
    assert {e.name: (out / e.outputs[0]).stat().st_mtime_ns for e in EXPERIMENTS} == before

def test_every_regime_names_only_the_notebooks_parameters():
    "A misspelt parameter of a regime that cannot run here (real: GPUs and datasets) is caught: papermill would only warn."
    import re
    for e in EXPERIMENTS:
        cells = json.loads((ROOT / 'nbs' / 'experiments' / f'{e.name}.ipynb').read_text())['cells']
        src = ''.join(next(c for c in cells if 'parameters' in c['metadata'].get('tags', []))['source'])
        names = {m.group(1) for m in re.finditer(r'^(\w+)\s*=', src, re.M)}
        for regime in ('smoke', 'embedded', 'real'):
            params = e.params(regime)
            assert params is None or set(params) <= names, (e.name, regime, set(params) - names)
        assert 'out' in names and ('runs' in names) == e.runs, e.name
