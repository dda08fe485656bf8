"""Bad input, as a new user types it: every field of the training, evaluation and prediction configs gets a bad
value through its console script. Each must end with exit status 2 (a setting) or 1 (a file), one line naming the
parameter, no traceback, and nothing written to an existing run folder."""
import dataclasses, subprocess
from pathlib import Path
import pytest
import torch
from conftest import train_args
from m2clip.trainer import TrainConfig, main as train_main
from m2clip.evaluate import EvalConfig, PredictConfig, eval_main, predict_main
from m2clip.profile import ProfileConfig, main as profile_main

NO_GPU = 'cuda' if not torch.cuda.is_available() else f'cuda:{torch.cuda.device_count()}'

@pytest.fixture(scope='module')
def run(small_data, tmp_path_factory):
    "An existing run folder with a checkpoint (1 epoch), and a snapshot of its files."
    out = tmp_path_factory.mktemp('runs')
    subprocess.run(['m2clip-train', *train_args(small_data, out, run_name='r', epochs=1, ckpt_every=0)], check=True, capture_output=True)
    return out / 'r'

def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder.parent): p.stat().st_mtime_ns for p in sorted(folder.parent.rglob('*'))}

def one_line_error(fn, argv, capsys) -> tuple[int, str]:
    with pytest.raises(SystemExit) as e: fn(argv)
    err = capsys.readouterr().err
    assert err.count('\n') == 1 and 'Traceback' not in err, err
    return e.value.code, err

def train_cases(data, run):
    a = ['--data_root', str(data), '--dataset', 'list']
    f = run.parent / 'a_file'; f.write_text('x')
    return {
        'dataset': ['--dataset', 'kinetics'], 'data_root': ['--dataset', 'list', '--data_root', '/no/such/folder'],
        'fold': a + ['--fold', '4'], 'frames': a + ['--frames', '0'], 'sampling': a + ['--sampling', 'random'],
        'stride': a + ['--stride', '0'], 'flip': a + ['--flip', 'maybe'], 'scale_jitter': a + ['--scale_jitter', 'sometimes'],
        'randaugment': a + ['--randaugment', '2'], 'preset': a + ['--preset', 'paper'], 'model': a + ['--model', 'ViT-Q-99'],
        'pretrained': a + ['--pretrained', 'openai'], 'quick_gelu': a + ['--quick_gelu', 'gelu'], 'temporal': a + ['--temporal', 'tsm'],
        'adapter_position': a + ['--adapter_position', 'ffn'], 'adapter_layers': a + ['--adapter_layers', 'half'],
        'ted_combine': a + ['--ted_combine', 'stacked'], 'text_adapters': a + ['--text_adapters', '-1'],
        'heads': a + ['--heads', 'vc,cls'], 'mask_ratio': a + ['--mask_ratio', '1.5'], 'text_lr_scale': a + ['--text_lr_scale', '0'],
        'epochs': a + ['--epochs', '0'], 'batch_size': a + ['--batch_size', '0'], 'grad_accum': a + ['--grad_accum', '0'],
        'lr': a + ['--lr', '-1'], 'weight_decay': a + ['--weight_decay', '-0.1'], 'warmup_epochs': a + ['--warmup_epochs', '-1'],
        'clip_grad': a + ['--clip_grad', 'inf'], 'seed': a + ['--seed', '-3'], 'run_name': a + ['--run_name', 'x/y'],
        'out_dir': a + ['--out_dir', str(f)], 'device': a + ['--device', NO_GPU], 'precision': a + ['--precision', 'fp8'],
        'num_workers': a + ['--num_workers', '-1'], 'ckpt_every': a + ['--ckpt_every', '-5'],
        'resume': a + ['--resume', '--run_name', 'never_trained'], 'grad_checkpointing': a + ['--grad_checkpointing', 'please'],
        'progress': a + ['--progress', 'loud']}

def test_every_training_field(small_data, run, capsys):
    cases = train_cases(small_data, run)
    assert set(cases) == {f.name for f in dataclasses.fields(TrainConfig)}       # every field is swept
    before = snapshot(run)
    for field, argv in cases.items():
        code, err = one_line_error(train_main, argv + ['--out_dir', str(run.parent)] * (field != 'out_dir'), capsys)
        assert code in (1, 2) and err.startswith('m2clip-train: ') and field in err, (field, err)
    assert snapshot(run) == before                                                        # nothing written, no new run folder

def test_resume_with_another_config_changes_nothing(small_data, run, capsys):
    before = snapshot(run)
    code, err = one_line_error(train_main, train_args(small_data, run.parent, run_name='r', epochs=2, resume=True)[:-1], capsys)
    assert code == 2 and 'resume=True: the configuration differs from the checkpoint in {' in err and "'epochs': (2, 1)" in err
    assert snapshot(run) == before

def test_every_evaluation_field(small_data, run, capsys):
    a = ['--dataset', 'list', '--data_root', str(small_data), '--checkpoint', str(run)]
    f = run.parent / 'a_file'; f.write_text('x')
    cases = {
        'checkpoint': a + ['--checkpoint', '/no/run'], 'protocol': a + ['--protocol', 'fewshot'], 'dataset': a + ['--dataset', 'k700'],
        'data_root': a + ['--data_root', '/no/data'], 'split': a + ['--split', 'validation'], 'fold': a + ['--fold', '0'],
        'splits': a + ['--splits', '1,5'], 'views': a + ['--views', '4x2'], 'frames': a + ['--frames', '-8'],
        'sampling': a + ['--sampling', 'uniform'], 'stride': a + ['--stride', '0'], 'model': ['--model', 'resnet50'],
        'pretrained': ['--model', 'tiny', '--pretrained', '/no/weights.safetensors', '--quick_gelu'], 'quick_gelu': a + ['--quick_gelu', 'x'],
        'templates': a + ['--templates', 'many'], 'batch_size': a + ['--batch_size', '0'], 'num_workers': a + ['--num_workers', '-2'],
        'device': a + ['--device', NO_GPU], 'precision': a + ['--precision', 'int8'], 'out': a + ['--out', str(f)],
        'progress': a + ['--progress', 'x']}
    assert set(cases) == {f.name for f in dataclasses.fields(EvalConfig)}
    before = snapshot(run)
    for field, argv in cases.items():
        code, err = one_line_error(eval_main, argv, capsys)
        assert code in (1, 2) and err.startswith('m2clip-eval: ') and field in err, (field, err)
    assert snapshot(run) == before

def test_every_prediction_field(run, capsys):
    v = [str(run / 'log.csv')]
    a = v + ['--checkpoint', str(run)]
    cases = {
        'labels': v + ['--model', 'tiny'], 'labels_file': a + ['--labels_file', '/no/labels.txt'], 'head': a + ['--head', 'cmlm'],
        'top_k': a + ['--top_k', '0'], 'checkpoint': v + ['--checkpoint', '/no/run'], 'model': v + ['--labels', 'a', '--model', 'vit'],
        'pretrained': v + ['--labels', 'a', '--model', 'tiny', '--pretrained', 'laion'], 'quick_gelu': a + ['--quick_gelu', 'x'],
        'frames': a + ['--frames', '0'], 'templates': a + ['--templates', 'x'], 'device': a + ['--device', 'tpu']}
    assert set(cases) == {f.name for f in dataclasses.fields(PredictConfig)}
    for field, argv in cases.items():
        code, err = one_line_error(predict_main, argv, capsys)
        assert code in (1, 2) and err.startswith('m2clip-predict: ') and field in err, (field, err)

def test_every_profile_field(capsys):
    cases = {'preset': ['--preset', 'paper'], 'model': ['--model', 'ViT-Z-1'], 'frames': ['--frames', 'x'],
             'image_size': ['--image_size', '225'], 'labels': ['--labels', 'no_such_label_set'],
             'way': ['--way', '1'], 'shot': ['--shot', '0'], 'query': ['--query', '-1']}
    assert set(cases) == {f.name for f in dataclasses.fields(ProfileConfig)}
    for field, argv in cases.items():
        code, err = one_line_error(profile_main, argv, capsys)
        assert code in (1, 2) and err.startswith('m2clip-profile: ') and field in err, (field, err)

@pytest.mark.parametrize('argv,says', [
    (['m2clip-train', '--frames', '0'], 'm2clip-train: frames=0: expected an integer >= 1'),
    (['m2clip-train', '--device', NO_GPU], f'm2clip-train: device={NO_GPU!r}: this machine has'),
    (['m2clip-train', '--lr', '-1'], 'm2clip-train: lr=-1.0: expected a number > 0 (the rate per 256 clips)'),
    (['m2clip-eval', '--views', '4x2', '--model', 'tiny'], "m2clip-eval: views='4x2': expected CLIPSxCROPS"),
    (['m2clip-predict', 'a.mp4', '--top-k', '0', '--labels', 'a', '--model', 'tiny'], 'm2clip-predict: top_k=0: expected an integer >= 1'),
    (['m2clip-train', '--epoch', '3'], 'm2clip-train: unrecognized arguments: --epoch 3')])
def test_console_scripts_from_a_shell(argv, says):
    r = subprocess.run(argv, capture_output=True, text=True)
    assert r.returncode == 2 and r.stderr.startswith(says) and r.stderr.count('\n') == 1 and not r.stdout, r.stderr

def test_every_fewshot_field(run, capsys):
    "m2clip-fewshot: every FewShotConfig field with a bad value ends in one line naming it, nothing written."
    from m2clip.fewshot import FewShotConfig, main as fewshot_main
    f = run.parent / 'a_file'; f.write_text('x')
    a = ['eval', '--num_workers', '0']
    cases = {
        'dataset': ['--dataset', 'kinetics'], 'data_root': ['--dataset', 'list', '--data_root', '/no/such/folder'],
        'split_root': ['--split_root', '/no/such/folder'], 'partition': ['--partition', '/no/such/folder'],
        'partition_seed': ['--partition_seed', '-1'], 'fold': ['--fold', '4'], 'frames': ['--frames', '0'], 'crop': ['--crop', 'stretch'], 'test_frames': ['--test_frames', 'middle'],
        'template': ['--template', 'a photo of'], 'merge_shots': ['--merge_shots', 'during'], 'way': ['--way', '1'],
        'shot': ['--shot', '0'], 'query': ['--query', '0'], 'episodes': ['--episodes', '0'], 'split': ['--split', 'train'],
        'episode_list': ['--episode_list', '/no/such.json'], 'method': ['--method', 'protonet'], 'preset': ['--preset', 'fsar-huge'],
        'model': ['--model', 'ViT-Q-99'], 'pretrained': ['--pretrained', 'openai'], 'quick_gelu': ['--quick_gelu', 'gelu'],
        'checkpoint': ['--checkpoint', '/no/such/run'], 'metric': ['--metric', 'dtw'], 'shots': ['--shots', 'max'], 'lam': ['--lam', '0'],
        'first_row': ['--first_row', 'soft'], 'full_finetune': ['--full_finetune', 'maybe'], 'text_weight': ['--text_weight', '-1'],
        'train_episodes': ['--train_episodes', '0'], 'epochs': ['--epochs', '0'], 'val_episodes': ['--val_episodes', '0'],
        'lr': ['--lr', '-1'], 'weight_decay': ['--weight_decay', '-0.1'], 'warmup_epochs': ['--warmup_epochs', '-1'],
        'clip_grad': ['--clip_grad', '-1'], 'grad_accum': ['--grad_accum', '0'], 'seed': ['--seed', '-3'], 'run_name': ['--run_name', 'x/y'],
        'out_dir': ['--out_dir', str(f)], 'device': ['--device', NO_GPU], 'precision': ['--precision', 'fp8'],
        'encode_batch': ['--encode_batch', '0'], 'num_workers': ['--num_workers', '-1'], 'ckpt_every': ['--ckpt_every', '-5'],
        'resume': ['--resume', '--run_name', 'never_trained', '--method', 'clipfsar'], 'grad_checkpointing': ['--grad_checkpointing', 'please'],
        'progress': ['--progress', 'loud'], 'json': ['--json', 'loud'],
        'alpha': ['--alpha', '1.5'], 'temperature': ['--temperature', '0'], 'adapters': ['--method', 'mafsar', '--adapters', 'tsm'],
        'text_token': ['--text_token', 'maybe'], 'local_skip': ['--local_skip', 'both'], 'separate_query_adapter': ['--separate_query_adapter', '3'],
        'temporal_pos': ['--temporal_pos', 'x'], 'tpcm': ['--tpcm', 'cross'], 'tpcm_shared': ['--tpcm_shared', 'half'],
        'tpcm_residual': ['--tpcm_residual', 'text']}
    assert set(cases) == {f.name for f in dataclasses.fields(FewShotConfig)}
    before = snapshot(run)
    from m2clip.fewshot import TRAIN_ONLY
    for field, argv in cases.items():
        cmd = ['train', '--num_workers', '0', '--method', 'clipfsar'] if field in TRAIN_ONLY else a   # each subcommand has only its own flags
        code, err = one_line_error(fewshot_main, cmd + argv + ['--out_dir', str(run.parent)] * (field != 'out_dir'), capsys)
        assert code in (1, 2) and err.startswith('m2clip-fewshot') and field in err, (field, err)
    assert snapshot(run) == before

def test_every_bench_field(tmp_path, capsys):
    "m2clip-bench: every BenchConfig field with a bad value ends in one line naming it, before anything is measured."
    from m2clip.benchmark import BenchConfig, main as bench_main
    f = tmp_path / 'a_file'; f.write_text('x')
    cases = {'device': ['--device', NO_GPU], 'preset': ['--preset', 'paper'], 'model': ['--model', 'ViT-Q-99'], 'labels': ['--labels', 'no_such'],
             'frames': ['--frames', '8,x'], 'batch_sizes': ['--batch_sizes', '0'], 'precisions': ['--precisions', 'fp8'], 'repeats': ['--repeats', '0'],
             'checkpointing': ['--checkpointing', 'maybe'], 'gemm_size': ['--gemm_size', '8'], 'text_path': ['--text_path', 'x'],
             'fewshot_episodes': ['--fewshot_episodes', '-1'], 'loader_workers': ['--loader_workers', '-1'], 'loader_clips': ['--loader_clips', '0'],
             'videos': ['--videos', '/no/such/folder'], 'threads': ['--threads', '0'], 'out': ['--out', str(f)], 'progress': ['--progress', 'loud']}
    assert set(cases) == {f.name for f in dataclasses.fields(BenchConfig)}
    for field, argv in cases.items():
        code, err = one_line_error(bench_main, argv, capsys)
        assert code in (1, 2) and err.startswith('m2clip-bench: ') and field in err, (field, err)
    assert f.read_text() == 'x' and sorted(p.name for p in tmp_path.iterdir()) == ['a_file']

def test_every_reports_field(tmp_path, capsys):
    "m2clip-reports: every ReportsConfig field with a bad value ends in one line naming it, before any notebook runs."
    from m2clip.reports import ReportsConfig, main as reports_main
    f = tmp_path / 'a_file'; f.write_text('x')
    cases = {'regime': ['--regime', 'toy'], 'only': ['--only', 'world,no_such'], 'force': ['--force', 'maybe'], 'out': ['--out', str(f)],
             'data': ['--regime', 'real', '--data', 'k400'], 'notebooks': ['--notebooks', '/no/such/folder'], 'progress': ['--progress', 'loud']}
    assert set(cases) == {f.name for f in dataclasses.fields(ReportsConfig)}
    for field, argv in cases.items():
        code, err = one_line_error(reports_main, argv, capsys)
        assert code in (1, 2) and err.startswith('m2clip-reports: ') and field in err, (field, err)
    assert f.read_text() == 'x' and sorted(p.name for p in tmp_path.iterdir()) == ['a_file']

def test_every_site_field(tmp_path, capsys):
    "m2clip-site: every SiteConfig field with a bad value ends in one line naming it, before anything is built or emptied."
    from m2clip.site import SiteConfig, main as site_main
    f = tmp_path / 'a_file'; f.write_text('x')
    other = tmp_path / 'not_a_site'; other.mkdir(); (other / 'keep.txt').write_text('mine')
    cases = {'out': ['--out', str(other)], 'check': ['--check', 'maybe'], 'shots': ['--check', 'false', '--shots', str(f)],
             'force': ['--force', 'often']}
    assert set(cases) == {f.name for f in dataclasses.fields(SiteConfig)}
    for field, argv in cases.items():
        code, err = one_line_error(site_main, argv, capsys)
        assert code in (1, 2) and err.startswith('m2clip-site: ') and field in err, (field, err)
    assert (other / 'keep.txt').read_text() == 'mine' and f.read_text() == 'x'

def test_every_gpu_check_field(tmp_path, capsys):
    "m2clip-gpu-check: every GPUCheckConfig field with a bad value ends in one line naming it (checked before the GPU is looked for)."
    from m2clip.gpu_check import GPUCheckConfig, main as gpu_main
    f = tmp_path / 'a_file'; f.write_text('x')
    cases = {'out': ['--out', str(f)], 'model': ['--model', 'ViT-Q-99'], 'steps': ['--steps', '0'], 'resume': ['--resume', 'maybe'],
             'ddp': ['--ddp', 'x'], 'benchmark': ['--benchmark', 'sure'], 'bench_frames': ['--bench_frames', '8;16'],
             'require_gpu': ['--require_gpu', 'please'], 'timeout': ['--timeout', '1']}
    assert set(cases) == {f.name for f in dataclasses.fields(GPUCheckConfig)}
    for field, argv in cases.items():
        code, err = one_line_error(gpu_main, argv, capsys)
        assert code in (1, 2) and err.startswith('m2clip-gpu-check: ') and field in err, (field, err)

def test_data_root_without_videos_is_refused_before_any_work(small_data, tmp_path, capsys):
    "An existing data_root whose lists name videos that are not there: one line naming data_root, before a model or run folder exists."
    import shutil
    from m2clip.fewshot import main as fewshot_main
    bare = tmp_path / 'bare'; bare.mkdir()
    for f in ('classes.txt', 'train.txt', 'val.txt', 'test.txt'): shutil.copy(small_data / f, bare / f)
    out = tmp_path / 'runs'
    code, err = one_line_error(train_main, ['--dataset', 'list', '--data_root', str(bare), '--out_dir', str(out)], capsys)
    assert code == 1 and f"data_root='{bare}': none of the 48 videos of the train split of dataset='list' exists" in err, err
    code, err = one_line_error(fewshot_main, ['eval', '--dataset', 'list', '--partition', 'random', '--data_root', str(bare),
                                              '--out_dir', str(out)], capsys)
    assert code == 1 and f"data_root='{bare}': none of the" in err and "stage of dataset='list' exists" in err, err
    assert not out.exists()                                                          # nothing written
