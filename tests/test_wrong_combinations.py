"""Wrong combinations of settings that each look valid alone (issue 15): every one is refused before any work, in one
line naming the parameter, with exit status 2 — never a mislabelled result, a silently ignored flag or a traceback."""
import json, subprocess, sys
from pathlib import Path
import pytest
from m2clip.runtime import save_safetensors, shared_path

FS = [sys.executable, '-c', 'from m2clip.fewshot import main; main()']

@pytest.fixture(scope='module')
def few(tmp_path_factory):
    from m2clip.synthetic import generate, SyntheticConfig
    return generate(tmp_path_factory.mktemp('few') / 'syn', SyntheticConfig(train=18 * 4, val=0, test=0, frames=8, families=9), progress=False)

@pytest.fixture(scope='module')
def saved(few, tmp_path_factory):
    "A 5-way 1-shot episode list and fake run folders of each kind (the kind is read from the metadata before any work)."
    out = tmp_path_factory.mktemp('saved')
    r = subprocess.run(FS + ['eval', '--data-root', str(few), '--frames', '2', '--episodes', '5', '--num-workers', '0', '--out-dir', str(out),
                             '--run-name', 'list', '--progress', 'false'], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    for name, meta in (('fsar_run', dict(family='fsar', model_config=dict(method='clipfsar'), classnames=[])),
                       ('m2_run', dict(family='m2clip', model_config=dict(model='tiny'), classnames=[]))):
        (out / name).mkdir(); save_safetensors(out / name / 'model.safetensors', {}, meta)
    bad = out / 'truncated.json'; bad.write_text((out / 'list' / 'episodes.json').read_text()[:200])
    shape = out / 'shape.json'; shape.write_text(json.dumps({'episodes': [{'classes': ['a']}]}))
    return out

def refused(argv, says, code=2):
    r = subprocess.run(argv, capture_output=True, text=True)
    assert r.returncode == code and r.stderr.count('\n') == 1 and 'Traceback' not in r.stderr, r.stderr
    assert says in r.stderr, r.stderr
    return r.stderr

def test_episode_list_of_another_shape(few, saved):
    base = FS + ['eval', '--data-root', str(few), '--frames', '2', '--num-workers', '0', '--out-dir', str(saved / 'x'), '--progress', 'false',
                 '--episode-list', str(saved / 'list' / 'episodes.json')]
    refused(base + ['--way', '3'], "way=3: expected 5 as in episode 0 of episode_list=")
    refused(base + ['--shot', '2'], "shot=2: expected 1 as in episode 0")
    refused(base + ['--query', '2'], "query=2: expected 1 as in episode 0")
    assert not (saved / 'x').exists()                                   # nothing written
    err = refused(FS + ['eval', '--data-root', str(few), '--episode-list', str(saved / 'truncated.json'), '--progress', 'false'],
                  'truncated.json: not a saved episodes.json (line', code=1)
    refused(FS + ['eval', '--data-root', str(few), '--episode-list', str(saved / 'shape.json'), '--progress', 'false'],
            'shape.json: not a saved episodes.json (expected', code=1)

def test_checkpoint_of_another_kind(few, saved):
    base = FS + ['--data-root', str(few), '--num-workers', '0', '--out-dir', str(saved / 'y'), '--progress', 'false']
    refused(base[:3] + ['eval'] + base[3:] + ['--method', 'm2clip', '--checkpoint', str(saved / 'fsar_run')],
            "this is a trained 'clipfsar' few-shot run (evaluate it with method=clipfsar)")
    refused(base[:3] + ['eval'] + base[3:] + ['--method', 'mafsar', '--preset', 'mafsar-tiny', '--checkpoint', str(saved / 'fsar_run')],
            "expected a trained 'mafsar' run with method='mafsar'")
    refused(base[:3] + ['eval'] + base[3:] + ['--method', 'clipfsar', '--checkpoint', str(saved / 'm2_run')], 'this is an M2-CLIP run (evaluate it with method=m2clip)')
    refused(base[:3] + ['train'] + base[3:] + ['--method', 'clipfsar', '--checkpoint', str(saved / 'm2_run')], 'expected None in training')
    refused(base[:3] + ['train'] + base[3:] + ['--method', 'mafsar', '--preset', 'mafsar-tiny', '--full-finetune'], "full_finetune=True: expected False with method='mafsar'")
    assert not (saved / 'y').exists()

def test_presets_at_the_wrong_command_and_none_weights():
    refused([sys.executable, '-c', 'from m2clip.trainer import main; main()', '--preset', 'fsar-tiny'], "preset='fsar-tiny': expected one of tiny, world, paper-k400, release-k400")
    from m2clip.trainer import TrainConfig, arg_parser
    from m2clip.config import from_args
    cfg = from_args(TrainConfig, arg_parser().parse_args(['--preset', 'release-k400', '--model', 'tiny', '--pretrained', 'none']))
    assert cfg.pretrained == 'none' and cfg.validate() is cfg
    from m2clip.family import family_of
    assert family_of(cfg.preset).model_config(cfg).pretrained is None          # random weights, not the preset's openai

def test_weights_missing_offline_is_one_line(monkeypatch):
    "No CLIP weights on this machine: profiling never needs them; loading them ends in one line saying what to do."
    r = subprocess.run(['m2clip-profile', '--preset', 'fsar-vit-b16', '--json'], capture_output=True, text=True, env={**__import__('os').environ, 'HF_HUB_OFFLINE': '1'})
    assert r.returncode == 0 and json.loads(r.stdout)['preset_model'] == 'ViT-B-16', r.stderr
    video = next(iter(sorted(shared_path('data', 'videos').glob('*'))))
    r = subprocess.run(['m2clip-predict', str(video), '--labels', 'a,b'], capture_output=True, text=True, env={**__import__('os').environ, 'HF_HUB_OFFLINE': '1'})
    assert r.returncode == 1 and r.stderr.count('\n') == 1 and 'Traceback' not in r.stderr, r.stderr
    assert "pretrained='openai' for model='ViT-B-16': the weights are not in the local cache" in r.stderr
