import pytest
from m2clip.synthetic import generate, SyntheticConfig

@pytest.fixture(scope='session')
def small_data(tmp_path_factory):
    "A small synthetic benchmark in the list format (48 train, 16 val, 16 test clips of 8 frames)."
    return generate(tmp_path_factory.mktemp('data') / 'syn', SyntheticConfig(train=48, val=16, test=16, frames=8), progress=False)

def train_args(root, out, **kw):
    args = dict(dataset='list', data_root=root, frames=4, epochs=3, batch_size=8, num_workers=0, out_dir=out, ckpt_every=4)
    args.update(kw)
    flag = lambda k, v: [f"--{'' if v else 'no-'}{k}"] if isinstance(v, bool) else [f'--{k}', str(v)]
    return [x for k, v in args.items() for x in flag(k, v)] + ['--no-progress']
