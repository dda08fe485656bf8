"""Every command in the README's bash blocks is read by the real console script: its flags exist and its values are
accepted (a renamed flag or a removed value fails here). The commands that need nothing but the package
(m2clip-profile, on the meta device) run exactly as written. What this does not do: run the training and evaluation
commands on real datasets or GPUs (their data roots are not on a CI machine); the quickstart's main job runs in
test_project.py, the few-shot commands of the embedded default at small scale in test_fewshot.py."""
import json, re, shlex, subprocess
from pathlib import Path
import pytest
from m2clip.config import config_parser

ROOT = Path(__file__).resolve().parents[1]

def readme_commands() -> list[str]:
    "Each command line of the README's bash blocks: continuations joined, comments and shell loops dropped, $VARS filled in."
    out = []
    for block in re.findall(r'```bash\n(.*?)```', (ROOT / 'README.md').read_text(), re.S):
        for line in block.replace('\\\n', ' ').splitlines():
            line = re.sub(r'\s+#.*$', '', line).strip()
            if not line or line.startswith('#') or line.startswith(('for ', 'done')): continue
            for part in line.split('&&'):
                out.append(re.sub(r'\$\w+', '1', part.strip()))
    return out

def parser(prog):
    from m2clip import trainer, fewshot, evaluate
    from m2clip.profile import ProfileConfig
    from m2clip.benchmark import BenchConfig
    from m2clip.gpu_check import GPUCheckConfig
    def with_json(ap): ap.add_argument('--json', action='store_true'); return ap
    return {'m2clip-train': trainer.arg_parser, 'm2clip-fewshot': fewshot.arg_parser, 'm2clip-eval': evaluate.eval_parser,
            'm2clip-predict': evaluate.predict_parser, 'm2clip-profile': lambda: with_json(config_parser(ProfileConfig, prog)),
            'm2clip-bench': lambda: config_parser(BenchConfig, prog), 'm2clip-gpu-check': lambda: config_parser(GPUCheckConfig, prog)}[prog]()

COMMANDS = [c for c in readme_commands() if c.split()[0].startswith('m2clip-') or c.startswith('papermill')]

def test_the_readme_has_commands():
    progs = {c.split()[0] for c in COMMANDS}
    assert {'m2clip-train', 'm2clip-fewshot', 'm2clip-eval', 'm2clip-profile', 'papermill'} <= progs and len(COMMANDS) > 25

@pytest.mark.parametrize('cmd', COMMANDS)
def test_readme_command_parses(cmd):
    argv = shlex.split(cmd)
    if argv[0] == 'papermill':
        nb = ROOT / argv[1]
        assert nb.is_file(), cmd
        cells = json.loads(nb.read_text())['cells']
        k = next(i for i, c in enumerate(cells) if 'parameters' in c['metadata'].get('tags', []))
        src = ''.join(''.join(c['source']) + '\n' for c in cells[:k + 1] if c['cell_type'] == 'code')   # the parameters cell and those before it
        names = {m.group(1) for m in re.finditer(r'^(\w+)\s*=', src, re.M)}
        given = [argv[i + 1] for i, a in enumerate(argv) if a == '-p']
        assert set(given) <= names, (cmd, set(given) - names)
        return
    try: parser(argv[0]).parse_args(argv[1:])
    except SystemExit as e: pytest.fail(f'{cmd}: the console script refuses it (exit {e.code})')

@pytest.mark.parametrize('cmd', [c for c in COMMANDS if c.startswith('m2clip-profile')])
def test_readme_profile_commands_run_as_written(cmd):
    r = subprocess.run(cmd, shell=True, cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0 and 'tunable params' in r.stdout, r.stderr
