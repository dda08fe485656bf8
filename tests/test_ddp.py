"torchrun with 2 gloo processes on a CPU trains exactly like one process with the same global batch."
import os, shutil, subprocess
import pandas as pd
import torch
from conftest import train_args
from m2clip.trainer import load_safetensors

def test_two_processes_match_one(small_data, tmp_path):
    out, env = tmp_path / 'runs', dict(os.environ, OMP_NUM_THREADS='1')
    common = dict(epochs=1, ckpt_every=0)
    subprocess.run(['torchrun', '--standalone', '--nproc_per_node', '2', shutil.which('m2clip-train'),
                    *train_args(small_data, out, run_name='ddp', batch_size=4, **common)], check=True, capture_output=True, env=env)
    subprocess.run(['m2clip-train', *train_args(small_data, out, run_name='single', batch_size=8, **common)], check=True, capture_output=True, env=env)
    wd, ws = load_safetensors(out / 'ddp' / 'model.safetensors')[0], load_safetensors(out / 'single' / 'model.safetensors')[0]
    assert wd.keys() == ws.keys()
    for k in wd: torch.testing.assert_close(wd[k], ws[k], rtol=1e-4, atol=1e-6, msg=k)
    ld, ls = (pd.read_csv(out / n / 'log.csv') for n in ('ddp', 'single'))
    assert len(ld) == len(ls) == 6
    for c in ('loss', 'contrastive', 'cmc', 'cmlm', 'vc'): assert (ld[c] - ls[c]).abs().max() < 1e-4, c
    only_rank0 = sorted(p.name for p in (out / 'ddp').iterdir())
    assert only_rank0 == sorted(p.name for p in (out / 'single').iterdir())

def test_two_processes_with_gradient_accumulation_match_one(small_data, tmp_path):
    "2 processes x 2 micro-batches of 2 clips (DDP's no_sync on the first) train like one process with batches of 8."
    out, env = tmp_path / 'runs', dict(os.environ, OMP_NUM_THREADS='1')
    # per-sample losses only: the contrastive loss is over the (micro-)batch by design, and CMLM averages over the masked
    # tokens of a micro-batch, so accumulating micro-batches weights its tokens a little differently (noted in issue 15)
    common = dict(epochs=1, ckpt_every=0, heads='vc,cmc')
    subprocess.run(['torchrun', '--standalone', '--nproc_per_node', '2', shutil.which('m2clip-train'),
                    *train_args(small_data, out, run_name='ddp', batch_size=2, grad_accum=2, **common)], check=True, capture_output=True, env=env)
    subprocess.run(['m2clip-train', *train_args(small_data, out, run_name='single', batch_size=8, **common)], check=True, capture_output=True, env=env)
    wd, ws = load_safetensors(out / 'ddp' / 'model.safetensors')[0], load_safetensors(out / 'single' / 'model.safetensors')[0]
    for k in wd: torch.testing.assert_close(wd[k], ws[k], rtol=1e-4, atol=1e-6, msg=k)
    ld, ls = (pd.read_csv(out / n / 'log.csv') for n in ('ddp', 'single'))
    assert len(ld) == len(ls) == 6 and (ld['loss'] - ls['loss']).abs().max() < 1e-4
