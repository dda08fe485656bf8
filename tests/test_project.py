"Integration tests: the README, CI and console scripts agree and work from a shell."
import json, re, subprocess, sys
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
    install, _ = readme_commands()
    job = install.split('&&', 1)[1].strip().split()
    out = subprocess.run(job + ['--json'], capture_output=True, text=True, check=True).stdout
    r = json.loads(out)
    assert r['preset'] == 'paper-k400' and r['frames'] == 8
    assert 15e6 < r['tunable_params'] < 17e6          # Table 1: 16 M

def test_profile_tiny_and_bad_labels():
    r = json.loads(subprocess.run(['m2clip-profile', '--preset', 'tiny', '--frames', '4', '--labels', 'hmdb51', '--json'],
                                  capture_output=True, text=True, check=True).stdout)
    assert r['num_classes'] == 51 and r['image_size'] == 64
    bad = subprocess.run(['m2clip-profile', '--labels', 'no_such_labels'], capture_output=True, text=True)
    assert bad.returncode != 0 and "labels='no_such_labels'" in bad.stderr
