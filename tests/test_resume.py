"A run killed (SIGKILL) in the middle of an epoch resumes from its last checkpoint and ends exactly like an uninterrupted run."
import json, subprocess, time
import pandas as pd
import torch
from conftest import train_args
from m2clip.trainer import load_safetensors

def test_killed_run_resumes_exactly(small_data, tmp_path):
    out = tmp_path / 'runs'
    subprocess.run(['m2clip-train', *train_args(small_data, out, run_name='full')], check=True, capture_output=True)
    # 48 clips / 8 = 6 steps per epoch, 18 in all; checkpoints every 4 steps and at epoch ends
    p = subprocess.Popen(['m2clip-train', *train_args(small_data, out, run_name='killed')], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ck, step, t0 = out / 'killed' / 'checkpoint.safetensors', 0, time.time()
    while step < 8 and time.time() - t0 < 300:
        time.sleep(0.02)
        if ck.exists():
            try: step = load_safetensors(ck)[1]['global_step']
            except Exception: pass                 # never half-written (atomic rename), but be patient
    p.kill(); p.wait()
    _, meta = load_safetensors(ck)
    assert 8 <= meta['global_step'] < 18 and p.returncode != 0, 'the run must really have been interrupted'
    subprocess.run(['m2clip-train', *train_args(small_data, out, run_name='killed', resume=True)], check=True, capture_output=True)
    a, b = (json.loads((out / n / 'metrics.json').read_text()) for n in ('full', 'killed'))
    for k in ('final', 'val', 'test', 'steps', 'skipped_videos'): assert a[k] == b[k], k
    wa, wb = load_safetensors(out / 'full' / 'model.safetensors')[0], load_safetensors(out / 'killed' / 'model.safetensors')[0]
    assert wa.keys() == wb.keys() and all(torch.equal(wa[k], wb[k]) for k in wa)     # bitwise
    la, lb = (pd.read_csv(out / n / 'log.csv') for n in ('full', 'killed'))
    cols = ['step', 'epoch', 'lr', 'loss', 'contrastive', 'cmc', 'cmlm', 'vc', 'grad_norm']
    assert len(lb) == 18 and la[cols].equals(lb[cols])                               # no step lost or repeated

def test_resume_needs_a_checkpoint(small_data, tmp_path):
    r = subprocess.run(['m2clip-train', *train_args(small_data, tmp_path, run_name='nothing', resume=True)], capture_output=True, text=True)
    assert r.returncode != 0 and 'nothing/checkpoint.safetensors does not exist' in r.stderr
