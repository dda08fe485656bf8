"Integration tests: the README, CI and console scripts agree and work from a shell."
import json, re, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def readme_commands():
    block = re.search(r'## Quickstart.*?```bash\n(.*?)```', (ROOT / 'README.md').read_text(), re.S).group(1)
    return [l for l in block.splitlines() if l and not l.startswith('#')]

def test_ci_runs_the_readme_test_command():
    install, test = readme_commands()
    test_cmd = test.split('&&', 1)[1].strip()          # what follows the install
    assert test_cmd in (ROOT / '.ci/run').read_text()

def test_quickstart_main_job_runs():
    "The README's main job, exactly as written: papermill trains on the world and ends with a seen-class and a zero-shot number."
    install, _ = readme_commands()
    job = install.split('&&', 1)[1].strip()
    before = time.time()
    subprocess.run(job, shell=True, cwd=ROOT, check=True, capture_output=True)
    out_nb = ROOT / job.split()[2]                                       # papermill IN OUT -p NAME VALUE ...
    assert out_nb.is_file() and out_nb.stat().st_mtime >= before
    flags = dict(zip(job.split()[4::3], job.split()[5::3]))
    runs = sorted((ROOT / 'reports' / 'runs').glob('world-world-ted-f8-s0*/metrics.json'), key=lambda p: p.stat().st_mtime)
    assert flags['preset'] == 'world' and flags['dataset'] == 'world' and runs[-1].stat().st_mtime >= before
    m = json.loads(runs[-1].read_text())
    assert m['model_config']['model'] == 'world' and m['model_config']['pretrained'] == 'world'   # the world CLIP, not random weights
    assert m['steps'] == int(flags['epochs']) * (80 * 8 // 16) and m['test']['videos'] == 80 * 4      # split 1's 80 seen classes
    assert m['test']['vc']['top1'] > 0.05                                 # 80 classes, chance 1.25%
    zs = json.loads((runs[-1].parent / 'zeroshot.json').read_text())      # the notebook's last cell: the 80 unseen classes
    assert zs['chance (%)'] == 1.25 and zs['seen classes, top-1 (%)'] == round(100 * m['test']['vc']['top1'], 1)
    assert zs['unseen classes, zero-shot top-1 (%)'] > 2 * 1.25 and zs['unseen classes, frozen CLIP (%)'] > 2 * 1.25
    from m2clip.evaluate import evaluate_run                              # the same numbers, recomputed: split 1's unseen classes
    unseen = lambda **kw: round(100 * evaluate_run(protocol='zeroshot', dataset='world-unseen', data_root=str(ROOT / 'data' / 'world'),
                                                   splits='1', frames=8, **kw)['mean_top1'], 1)
    assert zs['unseen classes, zero-shot top-1 (%)'] == unseen(checkpoint=str(runs[-1].parent))
    assert zs['unseen classes, frozen CLIP (%)'] == unseen(model='world', pretrained='world')

def test_profile_paper():
    r = json.loads(subprocess.run(['m2clip-profile', '--preset', 'paper-k400', '--frames', '8', '--json'],
                                  capture_output=True, text=True, check=True).stdout)
    assert 15e6 < r['tunable_params'] < 17e6          # Table 1: 16 M

def test_profile_tiny_and_bad_labels():
    r = json.loads(subprocess.run(['m2clip-profile', '--preset', 'tiny', '--frames', '4', '--labels', 'hmdb51', '--json'],
                                  capture_output=True, text=True, check=True).stdout)
    assert r['num_classes'] == 51 and r['image_size'] == 64
    bad = subprocess.run(['m2clip-profile', '--labels', 'no_such_labels'], capture_output=True, text=True)
    assert bad.returncode != 0 and "labels='no_such_labels'" in bad.stderr

def imports_of(path: Path) -> set[str]:
    "The m2clip modules a file imports anywhere in it (top level or inside a function)."
    import ast
    out = set()
    for n in ast.walk(ast.parse(path.read_text())):
        if isinstance(n, ast.ImportFrom) and n.module:
            name = n.module if n.level == 0 else f'm2clip.{n.module}'
            if name.startswith('m2clip.'): out.add(name.split('.')[1])
        elif isinstance(n, ast.Import): out |= {a.name.split('.')[1] for a in n.names if a.name.startswith('m2clip.')}
    return out

# Fronts: the modules that are only commands. The loop (trainer) and the profiler carry their own console script
# (m2clip-train, m2clip-profile) but are layers other modules build on.
FRONTS = {'evaluate', 'fewshot', 'benchmark', 'gpu_check', 'reports', 'site'}

def test_fronts_stand_side_by_side():
    "No module imports a front: each front imports only the layers below it (issue 15, item 4)."
    scripts = re.search(r'console_scripts = (.*)', (ROOT / 'settings.ini').read_text()).group(1).split()
    assert {s.split('=')[1].split('.')[1].split(':')[0] for s in scripts} == FRONTS | {'trainer', 'profile'}
    offenders = {p.stem: imports_of(p) & FRONTS for p in (ROOT / 'm2clip').glob('*.py') if not p.stem.startswith('_')}
    assert not {k: v for k, v in offenders.items() if v}, offenders
