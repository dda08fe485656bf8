"m2clip-eval and m2clip-predict from a shell: JSON outputs, counts, per-video errors."
import json, subprocess
from pathlib import Path
import numpy as np
import pytest
from conftest import train_args
from m2clip.video import write_video
from m2clip.runtime import shared_path


@pytest.fixture(scope='module')
def run(small_data, tmp_path_factory):
    out = tmp_path_factory.mktemp('runs')
    subprocess.run(['m2clip-train', *train_args(small_data, out, run_name='r', epochs=1, ckpt_every=0)], check=True, capture_output=True)
    return out / 'r'

def cli(*args):
    r = subprocess.run(list(args), capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr

def test_eval_supervised_json(run, small_data, tmp_path):
    code, out, err = cli('m2clip-eval', '--dataset', 'list', '--data-root', str(small_data), '--split', 'test', '--checkpoint', str(run),
                         '--frames', '4', '--views', '2x3', '--num-workers', '0', '--out', str(tmp_path), '--json')
    assert code == 0, err
    r = json.loads(out)
    assert {'top1', 'top5', 'mean_class_acc', 'videos', 'skipped'} <= set(r) and r['videos'] == 16 and r['skipped'] == 0
    assert 0 <= r['top1'] <= r['top5'] <= 1 and (tmp_path / 'confusion.png').is_file()

def test_eval_zeroshot_json_hmdb(run, tmp_path):
    h, rng = tmp_path / 'hmdb', np.random.default_rng(0)
    (h / 'testTrainMulti_7030_splits').mkdir(parents=True)
    for c in ('brush_hair', 'cartwheel'):
        for k in (1, 2, 3):
            (h / f'testTrainMulti_7030_splits/{c}_test_split{k}.txt').write_text(f'{c}_a.avi 2\n{c}_b.avi {2 if k == 1 else 1}\n{c}_gone.avi 2\n')
        for n in ('a', 'b'):
            (h / 'hmdb51' / c).mkdir(parents=True, exist_ok=True)
            write_video(h / 'hmdb51' / c / f'{c}_{n}.avi', rng.integers(0, 256, (8, 40, 56, 3), dtype=np.uint8), 8)
    code, out, err = cli('m2clip-eval', '--dataset', 'hmdb51', '--data-root', str(h), '--protocol', 'zeroshot', '--splits', '1,2,3',
                         '--checkpoint', str(run), '--frames', '4', '--num-workers', '0', '--json')
    assert code == 0, err
    r = json.loads(out)
    assert [p['videos'] for p in r['per_split']] == [4, 2, 2] and [p['skipped'] for p in r['per_split']] == [2, 2, 2]
    assert abs(r['mean_top1'] - np.mean([p['top1'] for p in r['per_split']])) < 1e-9 and 'std_top1' in r

def test_eval_errors_are_one_line(small_data):
    code, _, err = cli('m2clip-eval', '--dataset', 'ucf101', '--data-root', str(small_data), '--protocol', 'zeroshot', '--model', 'tiny')
    assert code != 0 and err.startswith('m2clip-eval: ') and 'classInd.txt' in err

def test_predict_answers_every_readable_video(run, tmp_path):
    bad = tmp_path / 'bad.mp4'; bad.write_bytes(b'not a video' * 30)
    videos = [str(p) for p in sorted(shared_path('data', 'videos').glob('*'))] + [str(bad)]
    code, out, err = cli('m2clip-predict', *videos, '--labels', 'arm wrestling, yoga, juggling balls', '--checkpoint', str(run),
                         '--frames', '4', '--top-k', '2', '--json')
    res = json.loads(out)
    assert code == 1 and len(res) == 4                                     # one unreadable video: exit 1, the others answered
    assert all(len(r['top']) == 2 for r in res[:3]) and 'bad.mp4' in res[3]['error']
    code, out, _ = cli('m2clip-predict', videos[0], '--checkpoint', str(run), '--head', 'vc', '--frames', '4', '--json')
    assert code == 0 and len(json.loads(out)[0]['top']) == 5
