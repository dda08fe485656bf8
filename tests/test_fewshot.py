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

def fs_args(root, out, **kw):
    args = dict(method='clipfsar', data_root=root, frames=4, num_workers=0, out_dir=out, val_episodes=3, progress=False, **kw)
    return ['train'] + [x for k, v in args.items() for x in (f'--{k}', str(v))]

FS = [sys.executable, '-c', 'from m2clip.fewshot import main; main()']

def test_episodic_training_killed_resumes_exactly(few, tmp_path):
    "Episodic training (the shared loop) killed mid-run resumes from its checkpoint and ends exactly like an uninterrupted run."
    from m2clip.runtime import load_safetensors
    import time, pandas as pd, torch
    kw = dict(train_episodes=12, epochs=2, ckpt_every=3)
    subprocess.run(FS + fs_args(few, tmp_path, run_name='full', **kw), check=True, capture_output=True)
    p = subprocess.Popen(FS + fs_args(few, tmp_path, run_name='killed', **kw), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ck, step, t0 = tmp_path / 'killed' / 'checkpoint.safetensors', 0, time.time()
    while step < 6 and time.time() - t0 < 300:
        time.sleep(0.02)
        if ck.exists():
            try: step = load_safetensors(ck)[1]['global_step']
            except Exception: pass
    p.kill(); p.wait()
    assert 6 <= load_safetensors(ck)[1]['global_step'] < 24 and p.returncode != 0, 'the run must really have been interrupted'
    subprocess.run(FS + fs_args(few, tmp_path, run_name='killed', resume=True, **kw), check=True, capture_output=True)
    a, b = (json.loads((tmp_path / n / 'metrics.json').read_text()) for n in ('full', 'killed'))
    for k in ('final', 'val', 'test', 'steps'): assert a[k] == b[k], k
    wa, wb = load_safetensors(tmp_path / 'full' / 'model.safetensors')[0], load_safetensors(tmp_path / 'killed' / 'model.safetensors')[0]
    assert wa.keys() == wb.keys() and all(torch.equal(wa[k], wb[k]) for k in wa)
    la, lb = (pd.read_csv(tmp_path / n / 'log.csv') for n in ('full', 'killed'))
    assert len(lb) == 24 and la[['step', 'loss', 'match', 'text', 'grad_norm']].equals(lb[['step', 'loss', 'match', 'text', 'grad_norm']])

def test_two_processes_shard_episodes_like_accumulation(few, tmp_path):
    "torchrun, 2 gloo processes, one episode each per step == one process accumulating the same 2 episodes per step."
    import os, shutil, pandas as pd, torch
    from m2clip.runtime import load_safetensors
    env = dict(os.environ, OMP_NUM_THREADS='1')
    subprocess.run(['torchrun', '--standalone', '--nproc_per_node', '2', shutil.which('m2clip-fewshot'),
                    *fs_args(few, tmp_path, run_name='ddp', train_episodes=8)], check=True, capture_output=True, env=env)
    subprocess.run(FS + fs_args(few, tmp_path, run_name='one', train_episodes=8, grad_accum=2), check=True, capture_output=True, env=env)
    wd, ws = load_safetensors(tmp_path / 'ddp' / 'model.safetensors')[0], load_safetensors(tmp_path / 'one' / 'model.safetensors')[0]
    for k in wd: torch.testing.assert_close(wd[k], ws[k], rtol=1e-4, atol=1e-6, msg=k)
    ld, ls = (pd.read_csv(tmp_path / n / 'log.csv') for n in ('ddp', 'one'))
    assert len(ld) == len(ls) == 4 and (ld.loss - ls.loss).abs().max() < 1e-5

@pytest.mark.parametrize('bench', ['hmdb51', 'ssv2_small'])
def test_standard_split_format_with_missing_and_corrupt_video(few, tmp_path, bench):
    "A fake tree in a standard split format (user's own split files, own layout), one missing and one corrupt video: balanced episodes, both listed."
    import shutil
    from m2clip.fewshot import fewshot_eval
    clips = sorted((few / 'videos' / 'train').glob('*.mp4'))
    sd, data, lines, names = tmp_path / 'splits', tmp_path / 'videos', [], [f'Class_{c}' for c in range(5)]
    sd.mkdir()
    for c in range(5):
        for k in range(4):
            vid = f'{c}{k:03d}'
            if bench == 'ssv2_small':
                lines.append(f'test{c}/{vid}'); dest = data / 'any' / 'where' / f'{vid}.webm'
            else:
                lines.append(f'test{c}//orig/{names[c]}/{vid}.avi'); dest = data / 'mine' / names[c] / f'{vid}.avi'
            if (c, k) == (0, 0): continue                                           # missing
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(clips[c * 4 + k], dest)
            if (c, k) == (1, 1): dest.write_bytes(b'corrupt')                      # corrupt
    (sd / 'test_few_shot.txt').write_text('\n'.join(lines) + '\n')
    (sd / 'classes.json').write_text(json.dumps({'train': ['x'], 'test': names}))
    r = fewshot_eval(dataset=bench, data_root=str(data), split_root=str(sd), frames=4, episodes=20, num_workers=0,
                     out_dir=str(tmp_path / 'out'), progress=False, device='cpu')
    assert r['episodes'] == 20 and r['skipped'] == 2 and r['replaced'] >= 2
    assert {Path(s.split('\t')[0]).stem for s in r['skipped_videos']} == {'0000', '1001'}
    eps = json.loads((Path(r['result_dir']) / 'episodes.json').read_text())['episodes']
    assert all(sorted(e['support_labels']) == list(range(5)) and not {'0000', '1001'} & {Path(v).stem for v in e['support'] + e['query']} for e in eps)
