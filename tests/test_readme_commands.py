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
    from m2clip.reports import ReportsConfig
    from m2clip.site import SiteConfig
    def with_json(ap): ap.add_argument('--json', action='store_true'); return ap
    return {'m2clip-train': trainer.arg_parser, 'm2clip-fewshot': fewshot.arg_parser, 'm2clip-eval': evaluate.eval_parser,
            'm2clip-predict': evaluate.predict_parser, 'm2clip-profile': lambda: with_json(config_parser(ProfileConfig, prog)),
            'm2clip-bench': lambda: config_parser(BenchConfig, prog), 'm2clip-gpu-check': lambda: config_parser(GPUCheckConfig, prog),
            'm2clip-reports': lambda: config_parser(ReportsConfig, prog), 'm2clip-site': lambda: config_parser(SiteConfig, prog)}[prog]()

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

# ---- every README command at small scale ------------------------------------------------------------------------------
# The commands that need no real dataset, no GPU and no weights run here in README order, in a scratch folder that holds
# the project's nbs/ and settings.ini (so relative paths such as reports/fewshot/fsar resolve as for a user), with
# flags appended that shrink them (argparse keeps the last value of a flag) and a few names a reader replaces by their
# own (their videos, their K400 run). The others need a real dataset or a GPU; they parse above, and the reason is here.
SMALL = {
    'm2clip-train': ['--epochs', '1', '--dataset', 'list', '--data_root', '{small}', '--num_workers', '0', '--progress', 'false'],
    'm2clip-fewshot eval': ['--episodes', '20', '--frames', '2', '--num_workers', '0', '--progress', 'false'],
    'm2clip-fewshot train': ['--frames', '2', '--train_episodes', '4', '--val_episodes', '4', '--num_workers', '0', '--progress', 'false'],
    'm2clip-predict': ['--device', 'cpu'],
    'm2clip-eval': ['--num_workers', '0', '--progress', 'false'],
    'm2clip-bench': ['--preset', 'tiny', '--frames', '4', '--batch_sizes', '1', '--repeats', '1', '--fewshot_episodes', '20',
                     '--loader_workers', '0', '--loader_clips', '2', '--text_path', 'false', '--checkpointing', 'false',
                     '--gemm_size', '256', '--progress', 'false'],
    'papermill nbs/train.ipynb': ['-p', 'epochs', '1', '-p', 'dataset', 'list', '-p', 'data_root', '{small}', '-p', 'num_workers', '0'],
    'papermill nbs/fewshot.ipynb': ['-p', 'episodes', '20', '-p', 'frames', '2', '-p', 'num_workers', '0'],
    'papermill nbs/experiments/world.ipynb': ['-p', 'n', '60'],
    'papermill nbs/experiments/world_fewshot.ipynb': ['-p', 'episodes', '20', '-p', 'shots', '1', '-p', 'train_episodes', '2', '-p', 'val_episodes', '5',
                                                    '-p', 'm2clip_epochs', '1', '-p', 'frames', '2'],
    'papermill nbs/experiments/world_zeroshot.ipynb': ['-p', 'epochs', '1', '-p', 'splits', '1', '-p', 'variants', 'frozen,vc_only', '-p', 'frames', '2'],
    'm2clip-reports': ['--only', 'world', '--out', 'reports-small', '--progress', 'false'],   # one report, into the scratch folder
    'papermill nbs/reports.ipynb': ['-p', 'only', 'world', '-p', 'out', 'reports-smoke', '-p', 'progress', 'False'],
}
REPLACE = {'clip1.mp4': '{video1}', 'clip2.avi': '{video2}', 'reports/runs/k400-b16-f8': 'reports/runs/readme-train',
           'reports/runs/synthetic-tiny-ted-f8-s0': 'reports/runs/readme-train'}      # m2clip-train's default run, small
NOT_HERE = {   # a command's first words -> why it cannot run on a CI machine (it parses above)
    'm2clip-eval --dataset k400': 'a real K400 folder (/data/k400) and its trained ViT-B/16 run',
    'm2clip-eval --dataset ucf101': 'the real UCF101 videos and split files (zero-shot protocol)',
    'm2clip-eval --dataset hmdb51': 'the real HMDB51 videos and split files, and OpenAI weights (plain CLIP)',
    'm2clip-fewshot eval --dataset': 'a real few-shot benchmark (/data/...) and OpenAI ViT-B/16 weights',
    'm2clip-fewshot train --dataset': 'a real few-shot benchmark and a CUDA GPU',
    'm2clip-fewshot train --method mafsar --preset mafsar-vit-b16': 'a real few-shot benchmark and a CUDA GPU',
    'm2clip-fewshot eval --method mafsar --checkpoint reports/fewshot/ssv2s-1': 'the run above (GPU, real SSv2)',
    'papermill nbs/train.ipynb reports/runs/train.ipynb': 'the quickstart itself: tests/test_project.py runs it as written',
    'papermill nbs/experiments/benchmark.ipynb': 'a CUDA GPU (device cuda)',
    'm2clip-profile': 'runs as written in test_readme_profile_commands_run_as_written',
    'm2clip-reports --regime smoke': 'tests/test_reports.py runs the whole smoke regime (with --out in a scratch folder)',
    'm2clip-reports --regime real': 'GPUs and a real Kinetics-400 folder',
    'm2clip-site': 'tests/test_site.py builds and checks the whole site (with --out in a scratch folder)',
}

def not_here(cmd: str) -> str | None:
    return next((why for k, why in NOT_HERE.items() if ' '.join(cmd.split()).startswith(k)), None)

def test_every_readme_command_is_run_or_says_why():
    runnable = [c for c in COMMANDS if not not_here(c)]
    assert all(' '.join(c.split()[:2]) in SMALL or c.split()[0] in SMALL or c.startswith('m2clip-gpu-check') for c in runnable), runnable
    assert len(runnable) >= 12

def test_readme_commands_run_at_small_scale(small_data, tmp_path):
    "Each runnable README command, in order, shrunk: exit status 0 (m2clip-gpu-check on a machine without a GPU: skips, exit 0)."
    import shutil, sys, os
    work = tmp_path / 'project'; work.mkdir()
    for name in ('nbs', 'settings.ini', 'data'): (work / name).symlink_to(ROOT / name)        # the embedded data is generated once
    (ROOT / 'data').mkdir(exist_ok=True)
    videos = sorted((ROOT.parent / 'shared' / 'data' / 'videos').iterdir())
    fill = dict(small=str(small_data), video1=str(videos[0]), video2=str(videos[1]))
    # a user's K400 run, small: the predict command names it
    subprocess.run(['m2clip-train', *[a.format(**fill) for a in SMALL['m2clip-train']], '--frames', '2', '--run_name', 'readme-train'],
                   cwd=work, check=True, capture_output=True)
    env = dict(os.environ, OMP_NUM_THREADS='1')
    for cmd in COMMANDS:
        if not_here(cmd): continue
        argv = [REPLACE.get(a, a).format(**fill) for a in shlex.split(cmd)]
        key = ' '.join(argv[:2]) if argv[0] in ('papermill', 'm2clip-fewshot') else argv[0]
        argv += [a.format(**fill) for a in SMALL.get(key, [])]
        if argv[0] == 'papermill': argv = [sys.executable, '-m', 'papermill', *argv[1:], '--no-progress-bar']
        r = subprocess.run(argv, cwd=work, capture_output=True, text=True, env=env, timeout=900)
        assert r.returncode == 0, (cmd, r.stderr[-2000:])
