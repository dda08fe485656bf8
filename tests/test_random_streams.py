"""Random streams (issue 15, item 9): two different (seed, epoch, sample or episode) never share a stream.

Checked by behaviour over a grid, for every stream the project draws: a training clip's frames and augmentation, a
sample's CMLM seed, a training episode, the data order per epoch. Each grid point must give its own result; the same
point must give the same result again (the streams are stateless, so a resumed run or another process agrees)."""
import itertools
import numpy as np
import torch
from m2clip.datasets import VideoDataset, Sampling, ShardedSampler, sample_seed
from m2clip.episodes import EpisodeSampler
from m2clip.video import ClipTransform

GRID = list(itertools.product(range(3), range(3), range(5)))          # (seed, epoch, sample or episode)

def all_distinct(values: dict) -> bool:
    return len(set(values.values())) == len(values)

def test_training_clips_have_their_own_stream(small_data):
    "One video listed five times: frames, crop, flip and RandAugment differ for every (seed, epoch, i), and repeat exactly."
    video = small_data / 'videos' / 'train' / '00000.mp4'
    make = lambda seed: VideoDataset([(video, 0)] * 5, ['x'], Sampling(2, 'segment'), ClipTransform(32, jitter=(32, 40), flip=True,
                                     randaugment=True), train=True, seed=seed)
    ds = {s: make(s) for s in range(3)}
    clip = lambda s, e, i: ds[s].load(i, e).numpy().tobytes()
    got = {k: clip(*k) for k in GRID}
    assert all_distinct(got)
    assert clip(*GRID[7]) == got[GRID[7]]                                  # stateless: the same point, the same clip

def test_sample_seeds_are_distinct():
    got = {k: sample_seed(*k) for k in GRID}
    assert all_distinct(got) and sample_seed(*GRID[3]) == got[GRID[3]]

def test_training_episodes_have_their_own_stream():
    "Each (seed, epoch, episode) draws its own task (epoch 0: the test episodes, with the same stream as ever)."
    labels = [c for c in range(18) for _ in range(10)]
    samplers = {s: EpisodeSampler(labels, 5, 1, 1, seed=s, episodes=5) for s in range(3)}
    got = {(s, e, i): samplers[s].draw(i, e) for s, e, i in GRID}
    assert all_distinct(got)
    assert samplers[1].draw(2) == samplers[1][2] == got[(1, 0, 2)]          # epoch 0 is the test episode i

def test_data_order_per_seed_and_epoch():
    orders = {}
    for s, e in itertools.product(range(3), range(3)):
        sm = ShardedSampler(40, 4, shuffle=True, seed=s); sm.set_epoch(e)
        orders[(s, e)] = tuple(sm.order())
    assert all_distinct(orders)
