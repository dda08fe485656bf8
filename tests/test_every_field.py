"""Every field of every config reaches what it documents (issue 15, item 9).

Generated over the dataclass fields: for each field, a non-default value (`alternative`, or ALT where the type does
not say one) must change what an *observer* of that config sees: the built model's parameters and its outputs on a
fixed input (model configs, with the trainable parameters moved off their zero init so that every adapter acts), or
what the front derives from the config before and after one optimizer step (task configs). A field that cannot
change an observation here says why in REASONS, naming the test that covers it. A new field with neither fails.
"""
import dataclasses, typing
from dataclasses import fields, replace, asdict
from pathlib import Path
import pytest, torch
from m2clip.adapters import TEDConfig
from m2clip.heads import HeadsConfig
from m2clip.model import M2CLIP, M2CLIPConfig, preset
from m2clip.mafsar_adapters import MAFSARAdapterConfig
from m2clip.fewshot_models import FSARConfig
from m2clip.fsar_family import method_of
from m2clip.mafsar import MAFSAR_PRESETS

CLASSES = ['moving something left', 'moving something right', 'something growing', 'something shrinking']

# values the type does not imply (str fields without a Literal, constrained numbers, nested configs)
ALT = {
    (M2CLIPConfig, 'model'): 'ViT-B-32', (M2CLIPConfig, 'image_size'): 32, (M2CLIPConfig, 'text_bottleneck'): 8,
    (M2CLIPConfig, 'templates'): ('a clip of {}',), (M2CLIPConfig, 'text_adapters'): 2,
    (TEDConfig, 'combine'): 'sequential', (TEDConfig, 'bottleneck'): 8, (TEDConfig, 'te_kernel'): 5, (TEDConfig, 'td_kernel'): 5,
    (TEDConfig, 'layers'): 'last:1', (TEDConfig, 'position'): 'mlp',
    (HeadsConfig, 'kl_target'): 'release', (HeadsConfig, 'mlm_bottleneck'): 8, (HeadsConfig, 'mask_ratio'): 0.9,
    (FSARConfig, 'metric'): 'mean', (FSARConfig, 'adapters'): 'gta', (FSARConfig, 'method'): 'clipfsar', (FSARConfig, 'model'): 'ViT-B-32',
    (FSARConfig, 'image_size'): 32, (FSARConfig, 'template'): 'a clip of {}', (FSARConfig, 'max_frames'): 4,
    (FSARConfig, 'temperature'): 0.1,
    (MAFSARAdapterConfig, 'local_skip'): 'multimodal', (MAFSARAdapterConfig, 'max_frames'): 4,
}
# the base a field acts from, where the default config leaves it idle (e.g. OTAM's lam acts only when OTAM is the metric)
BASE = {
    (FSARConfig, 'shots'): dict(method='clipfsar'), (FSARConfig, 'merge_shots'): dict(method='clipfsar'),
    (FSARConfig, 'first_row'): dict(method='clipfsar'), (FSARConfig, 'lam'): dict(method='clipfsar'),
    (FSARConfig, 'metric'): dict(method='clipfsar'), (FSARConfig, 'text_weight'): dict(method='clipfsar'),
    (FSARConfig, 'max_frames'): dict(method='clipfsar'), (FSARConfig, 'full_finetune'): dict(method='clipfsar'),
    (FSARConfig, 'model'): dict(method='clipfsar'), (FSARConfig, 'image_size'): dict(method='clipfsar'),
    (FSARConfig, 'template'): dict(method='clipfsar'), (FSARConfig, 'init_seed'): dict(method='clipfsar'),
    (FSARConfig, 'quick_gelu'): dict(method='clipfsar'), (FSARConfig, 'method'): dict(method='mafsar'),
    (TEDConfig, 'te_kernel'): dict(td=False), (TEDConfig, 'td_bias'): dict(te=False),
}
REASONS = {
    (M2CLIPConfig, 'pretrained'): 'weights loading: tests below (test_pretrained_weights_reach_the_model)',
    (FSARConfig, 'pretrained'): 'weights loading: test_pretrained_weights_reach_the_model (the same load_clip)',
    (FSARConfig, 'checkpoint'): 'method=m2clip reads its encoders from the run: nbs/43_fewshot_models.ipynb (M2CLIPEncoder equals the run)',
}

def alternative(cls, f: dataclasses.Field, default):
    "A valid non-default value of field `f`."
    if (cls, f.name) in ALT: return ALT[(cls, f.name)]
    hint = typing.get_type_hints(cls)[f.name]
    options = [hint] if typing.get_origin(hint) is typing.Literal else [a for a in typing.get_args(hint) if typing.get_origin(a) is typing.Literal]
    if options: return next(c for c in typing.get_args(options[0]) if c != default)
    if default is None and bool in typing.get_args(hint): return True
    if isinstance(default, bool): return not default
    if isinstance(default, int): return default + 1
    if isinstance(default, float): return default * 0.5 if default else 0.5
    raise AssertionError(f'{cls.__name__}.{f.name}: give a non-default value in ALT or a reason in REASONS')

def perturb(model: torch.nn.Module, seed: int = 1):
    "Move every trainable parameter off its (often zero) init, the same way for the same names and shapes."
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for n, p in sorted(model.named_parameters()):
            if p.requires_grad: p.add_(0.05 * torch.randn(p.shape, generator=g))
    return model

def structure(model) -> list:
    return sorted((n, tuple(p.shape), p.requires_grad) for n, p in model.named_parameters())

def clips(n: int, T: int, size, seed: int = 0) -> torch.Tensor:
    return torch.randn(n, T, 3, *size, generator=torch.Generator().manual_seed(seed))

def differs(a, b) -> bool:
    "Observations differ: another structure, or another number (the same config observes bitwise the same: tested)."
    if isinstance(a, dict): return a.keys() != b.keys() or any(differs(a[k], b[k]) for k in a)
    if isinstance(a, torch.Tensor): return a.shape != b.shape or not torch.equal(a, b)
    return a != b

# ---- model configs ------------------------------------------------------------------------------------------------

def observe_m2clip(mcfg: M2CLIPConfig) -> dict:
    "Structure, loss parts (train mode, fixed batch and seeds), predictions of every template, the optimiser's groups."
    torch.manual_seed(0)
    m = perturb(M2CLIP(CLASSES, mcfg)).train()
    x, y = clips(2, 3, m.video.image_size), torch.tensor([0, 2])
    out = {k: v.detach() for k, v in m(x, y, torch.tensor([0, 1])).items()}
    with torch.no_grad(): pred = m.eval().predict(x)
    groups = [(g.get('lr_scale', 1.0), g['weight_decay'], len(g['params'])) for g in m.param_groups(0.1)]
    return dict(structure=structure(m), loss=out, predict=pred, groups=groups)

M2_BASE = preset('tiny')

def m2clip_cases():
    for f in fields(M2CLIPConfig):
        if f.name in ('ted', 'heads'): continue                       # nested: their own fields below
        yield M2CLIPConfig, f, lambda v, f=f: replace(M2_BASE, **{f.name: v}), getattr(M2_BASE, f.name)
    for cls, attr in ((TEDConfig, 'ted'), (HeadsConfig, 'heads')):
        base = getattr(M2_BASE, attr)
        for f in fields(cls):
            b = replace(base, **BASE.get((cls, f.name), {}))
            yield cls, f, lambda v, f=f, b=b, attr=attr: replace(M2_BASE, **{attr: replace(b, **{f.name: v})}), getattr(b, f.name)

@pytest.mark.parametrize('cls,f,make,default', list(m2clip_cases()), ids=lambda x: getattr(x, 'name', None) or getattr(x, '__name__', ''))
def test_m2clip_model_fields(cls, f, make, default):
    if (cls, f.name) in REASONS: pytest.skip(REASONS[(cls, f.name)])
    a, b = observe_m2clip(make(default)), observe_m2clip(make(alternative(cls, f, default)))
    assert differs(a, b), f'{cls.__name__}.{f.name}: a non-default value changes nothing the model does'

def episode_batch(size, way=3, shot=2, query=1, T=4) -> dict:
    "A training episode: `way` of CLASSES, `shot` supports and `query` queries each; a clip is its class's pattern plus noise."
    g = torch.Generator().manual_seed(0)
    pattern = 3 * torch.randn(way, T, 3, *size, generator=g)
    s_lab, q_lab = torch.arange(way).repeat_interleave(shot), torch.arange(way).repeat_interleave(query)
    noisy = lambda lab: pattern[lab] + torch.randn(len(lab), T, 3, *size, generator=g)
    return dict(support=noisy(s_lab), support_labels=s_lab, query=noisy(q_lab), query_labels=q_lab, classes=torch.tensor([2, 0, 3][:way]))

def observe_fsar(cfg: FSARConfig) -> dict:
    "Structure and the episodic loss parts of a fixed 3-way 2-shot episode (trainable parameters perturbed)."
    m = method_of(cfg.method).model(cfg, CLASSES)
    perturb(m).train()
    batch = episode_batch(m.video.image_size)
    if not any(p.requires_grad for p in m.parameters()):       # frozen / text: the test-time logits instead of a loss
        with torch.no_grad():
            text = m.class_text(CLASSES)
            s = m.support_head(m.frames(batch['support']), text[batch['classes'][batch['support_labels']]])
            q = m.query_head(m.frames(batch['query']))
            return dict(structure=structure(m), logits=m.episode_logits(q, s, batch['support_labels'], 3, text[batch['classes']]))
    return dict(structure=structure(m), loss={k: v.detach() for k, v in m.loss(batch).items()})

FS_BASE = FSARConfig(**MAFSAR_PRESETS['mafsar-tiny'])

def fsar_cases():
    for f in fields(FSARConfig):
        b = replace(FS_BASE, **BASE.get((FSARConfig, f.name), {}))
        yield FSARConfig, f, lambda v, f=f, b=b: replace(b, **{f.name: v}), getattr(b, f.name)

@pytest.mark.parametrize('cls,f,make,default', list(fsar_cases()), ids=lambda x: getattr(x, 'name', None) or getattr(x, '__name__', ''))
def test_fsar_method_fields(cls, f, make, default):
    if (cls, f.name) in REASONS: pytest.skip(REASONS[(cls, f.name)])
    a, b = observe_fsar(make(default)), observe_fsar(make(alternative(cls, f, default)))
    assert differs(a, b), f'{cls.__name__}.{f.name}: a non-default value changes nothing the method does'

# each MAFSARAdapterConfig field and the FSARConfig setting that sets it (adapter_config); a new field needs its entry
ADAPTER_SOURCE = dict(gta=dict(adapters='local,joint'), local=dict(adapters='gta,joint'), joint=dict(adapters='gta,local'),
                      text_token=dict(text_token=False), local_skip=dict(local_skip='multimodal'),
                      separate_query_adapter=dict(separate_query_adapter=True), temporal_pos=dict(temporal_pos=True),
                      max_frames=dict(max_frames=4))
FIXED_ADAPTER = {'ratio': 'AIM bottleneck ratio 0.25, fixed by the paper', 'joint_scale': "AIM's s = 0.5, fixed by the paper"}

def test_mafsar_adapter_fields_are_set_by_fsar_fields():
    "MAFSARAdapterConfig is built from FSARConfig (adapter_config): each field follows its FSARConfig setting (tested above by value)."
    from m2clip.mafsar import adapter_config
    base = adapter_config(FS_BASE)
    for f in fields(MAFSARAdapterConfig):
        if f.name in FIXED_ADAPTER: continue
        assert getattr(adapter_config(replace(FS_BASE, **ADAPTER_SOURCE[f.name])), f.name) != getattr(base, f.name), f.name

def test_pretrained_weights_reach_the_model(tmp_path):
    "pretrained=<file> loads exactly that file's weights into both the M2-CLIP and the few-shot backbone."
    from m2clip.backbone import load_clip
    clip = load_clip('tiny', None)
    with torch.no_grad():
        for p in clip.parameters(): p.add_(1.0)
    path = tmp_path / 'w.pt'; torch.save(clip.state_dict(), path)
    m = M2CLIP(CLASSES, replace(M2_BASE, pretrained=str(path), quick_gelu=False))
    assert torch.equal(m.video.visual.conv1.weight, clip.visual.conv1.weight)
    f = method_of('frozen').model(FSARConfig(pretrained=str(path), quick_gelu=False), CLASSES)
    assert torch.equal(f.video.visual.conv1.weight, clip.visual.conv1.weight)

def test_observers_are_deterministic():
    "The same config observes bitwise the same, so `differs` sees only what a field changes."
    assert not differs(observe_m2clip(M2_BASE), observe_m2clip(M2_BASE))
    assert not differs(observe_fsar(FS_BASE), observe_fsar(FS_BASE))
    c = replace(FS_BASE, method='clipfsar'); assert not differs(observe_fsar(c), observe_fsar(c))

# ---- task configs: what the front derives, and one optimizer step ---------------------------------------------------

import shutil
from m2clip.family import family_of, RunConfig
from m2clip.runtime import resolve_device, resolve_precision, autocast_for
from m2clip.trainer import TrainConfig, make_optimizer, train_step, run_dir
from m2clip.fewshot import FewShotConfig, eval_set
from m2clip.readers import PRESETS as DATA_PRESETS

RUN_REASONS = {
    'device': 'only a CPU here: resolve_device is tested in nbs/16_runtime.ipynb, the CUDA path by m2clip-gpu-check',
    'ckpt_every': 'mid-epoch checkpoints: tests/test_resume.py kills a run after one and resumes it exactly',
    'resume': 'tests/test_resume.py (resumes exactly) and tests/test_bad_input.py (refuses another config)',
    'progress': 'display only: progress_bar is tested in nbs/16_runtime.ipynb, the quiet notebook in tests/test_train_notebook.py',
}
for name, why in RUN_REASONS.items():
    REASONS[(TrainConfig, name)] = REASONS[(FewShotConfig, name)] = why
REASONS |= {
    (TrainConfig, 'dataset'): 'each reader is tested on its own annotation format in nbs/13_readers.ipynb (no real dataset here)',
    (TrainConfig, 'ted_combine'): ('sequential and parallel agree for a step from the zero init (TD sees Z + TE(Z) = Z): nbs/01_adapters.ipynb '
                                   'tests both combinations, nbs/19_m2clip_family.ipynb and nbs/20_trainer.ipynb that the switch reaches the TED config'),
    (TrainConfig, 'fold'): 'UCF101 / HMDB51 folds: nbs/13_readers.ipynb reads each fold of their split files',
    (TrainConfig, 'model'): 'a ViT-B step is too slow here: nbs/19_m2clip_family.ipynb checks the override reaches the model config',
    (TrainConfig, 'pretrained'): 'test_pretrained_weights_reach_the_model, and nbs/19_m2clip_family.ipynb for the override',
    (FewShotConfig, 'dataset'): 'each standard split file is read in nbs/14_fewshot_splits.ipynb (no real dataset here)',
    (FewShotConfig, 'split_root'): 'nbs/14_fewshot_splits.ipynb reads split files from another folder',
    (FewShotConfig, 'fold'): 'UCF101 / HMDB51 folds: nbs/13_readers.ipynb',
    (FewShotConfig, 'model'): 'a ViT-B episode is too slow here: test_fsar_method_fields[model] builds ViT-B-32 through FSARConfig',
    (FewShotConfig, 'pretrained'): 'test_pretrained_weights_reach_the_model (the same load_clip)',
    (FewShotConfig, 'checkpoint'): 'eval of a trained run: tests/test_fewshot.py and tests/test_wrong_combinations.py (the kind it accepts)',
    (FewShotConfig, 'preset'): 'the presets differ only in backbone and weights (ViT-B, OpenAI; mafsar-* also name the method): nbs/48_fsar_family.ipynb',
    (FewShotConfig, 'json'): 'the output format of the command: tests/test_fewshot.py parses --json output',
}
ALT |= {(TrainConfig, 'clip_grad'): 1e-4, (TrainConfig, 'run_name'): 'other', (TrainConfig, 'precision'): 'bf16',
        (TrainConfig, 'heads'): 'vc', (TrainConfig, 'adapter_position'): 'mlp', (TrainConfig, 'adapter_layers'): 'last:1', (TrainConfig, 'preset'): 'release-k400', (TrainConfig, 'text_adapters'): 2,
        (TrainConfig, 'mask_ratio'): 0.9, (TrainConfig, 'text_lr_scale'): 0.5, (TrainConfig, 'sampling'): 'dense',
        (TrainConfig, 'flip'): not DATA_PRESETS['list']['flip'], (TrainConfig, 'scale_jitter'): not DATA_PRESETS['list']['scale_jitter'],
        (TrainConfig, 'randaugment'): not DATA_PRESETS['list']['randaugment'], (TrainConfig, 'out_dir'): 'elsewhere',
        (TrainConfig, 'frames'): 2, (TrainConfig, 'batch_size'): 4, (TrainConfig, 'num_workers'): 1, (TrainConfig, 'epochs'): 2}
BASE |= {(TrainConfig, 'stride'): dict(sampling='dense'), (TrainConfig, 'preset'): dict(model='tiny', pretrained='none')}
for name in ('clip_grad', 'run_name', 'precision', 'frames', 'num_workers', 'out_dir'):
    ALT[(FewShotConfig, name)] = ALT[(TrainConfig, name)]
ALT |= {(FewShotConfig, 'template'): 'a photo of {}', (FewShotConfig, 'metric'): 'mean', (FewShotConfig, 'adapters'): 'gta', (FewShotConfig, 'temperature'): 0.1,
        (FewShotConfig, 'method'): 'mafsar', (FewShotConfig, 'preset'): 'mafsar-tiny', (FewShotConfig, 'partition'): 'random',
        (FewShotConfig, 'shot'): 2, (FewShotConfig, 'query'): 2, (FewShotConfig, 'episodes'): 3,
        (FewShotConfig, 'split'): 'val', (FewShotConfig, 'train_episodes'): 3, (FewShotConfig, 'val_episodes'): 3,
        (FewShotConfig, 'epochs'): 2, (FewShotConfig, 'frames'): 3, (FewShotConfig, 'way'): 4, (FewShotConfig, 'warmup_epochs'): 0.5}
FS_TASK = dict(method='clipfsar', way=3, query=1, frames=2, episodes=2, train_episodes=4, val_episodes=2, num_workers=0, device='cpu',
               progress=False, encode_batch=2)
BASE |= {(FewShotConfig, n): dict(method='mafsar', preset='mafsar-tiny')
         for n in ('alpha', 'temperature', 'adapters', 'text_token', 'local_skip', 'separate_query_adapter', 'temporal_pos', 'tpcm',
                   'tpcm_shared', 'tpcm_residual')}
BASE |= {(FewShotConfig, 'shots'): dict(shot=2), (FewShotConfig, 'partition_seed'): dict(partition='random'),
         (FewShotConfig, 'method'): dict(method='clipfsar'), (FewShotConfig, 'split'): dict(way=2),
         (FewShotConfig, 'grad_checkpointing'): dict(method='mafsar', preset='mafsar-tiny')}

def one_step(family, model, cfg, data, device, precision) -> dict:
    "The optimiser's groups and schedule, and one optimizer step from a fixed init: its loss parts and the trained weights."
    opt, sched, scaler = make_optimizer(family, model, cfg, cfg.batch_size * cfg.grad_accum, data.steps_per_epoch, precision, device)
    schedule = [sched.lr_lambdas[0](s) for s in range(data.steps_per_epoch * cfg.epochs + 1)]
    data.sampler.set_epoch(0, 0)
    parts, _, _ = train_step(family, model, iter(data.train), opt, sched, scaler, cfg, device, autocast_for(precision, device))
    return dict(groups=[(g['lr'], g['weight_decay']) for g in opt.param_groups], schedule=schedule, loss=parts,
                weights={k: v.clone() for k, v in family.state_dict(model).items()})

def observe_task(cfg) -> dict:
    "What a front derives from a task config before training (model config, data, run folder), and one optimizer step."
    cfg = cfg.validate()
    family = family_of(cfg.preset); mcfg = family.model_config(cfg)
    device = resolve_device(cfg.device); precision = resolve_precision(cfg.precision, device)
    data = cfg.make_data(family.image_size(mcfg), 0, 1, device)
    ds = data.train.dataset
    seen = dict(model=asdict(mcfg), run_dir=str(run_dir(cfg)), classes=data.classnames, steps=data.steps_per_epoch,
                loader=(data.train.batch_size, data.train.num_workers), precision=precision)
    if isinstance(cfg, FewShotConfig):
        seen |= dict(train=[ds.sampler.draw(i, 0) for i in range(len(ds))], videos=ds.videos.samples, sampling=ds.videos.sampling,
                     val=data.val.episodes, test=data.test.episodes, encode_batch=data.val.encode_batch)
        ev = eval_set(cfg, cfg.split, family.image_size(mcfg), cfg.episodes)
        seen |= dict(eval=ev.episodes, eval_videos=ev.videos.samples, reading=(ds.videos.transform, ev.videos.sampling, ev.videos.transform))
    else:
        seen |= dict(videos=ds.samples, sampling=ds.sampling, transform=ds.transform, val=len(data.val.dataset))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        model = family.build(mcfg, data.classnames, device)
    family.set_grad_checkpointing(model, cfg.grad_checkpointing)
    seen |= dict(grad_checkpointing=model.video.grad_checkpointing, structure=structure(model))
    if any(p.requires_grad for p in model.parameters()): seen |= one_step(family, model, cfg, data, device, precision)
    return seen

@pytest.fixture(scope='session')
def roots(tmp_path_factory):
    "A small supervised benchmark, a few-shot one, and copies of each in another folder (data_root)."
    from m2clip.synthetic import generate, SyntheticConfig
    d = tmp_path_factory.mktemp('fields')
    sup = generate(d / 'sup', SyntheticConfig(train=16, val=4, test=4, frames=4, size=32), progress=False)
    other = generate(d / 'other', SyntheticConfig(train=16, val=4, test=4, frames=4, size=32, seed=1), progress=False)
    few = generate(d / 'few', SyntheticConfig(train=18 * 4, val=0, test=0, frames=4, size=32, families=9), progress=False)
    return dict(sup=sup, few=few, other=other, sup2=shutil.copytree(sup, d / 'sup2'), few2=shutil.copytree(few, d / 'few2'), out=d / 'runs')

def saved_list(cfg: FewShotConfig, path: Path) -> str:
    "An episodes.json of other episodes of the same stage (another seed)."
    from m2clip.protocol import save_episodes
    ev = eval_set(replace(cfg, seed=cfg.seed + 1), cfg.split, 64, cfg.episodes)
    return str(save_episodes(path, ev.episodes, ev.rows, ev.classnames))

def task_cases(cls):
    for f in fields(cls):
        yield cls, f

@pytest.mark.parametrize('cls,f', [*task_cases(TrainConfig), *task_cases(FewShotConfig)], ids=lambda x: getattr(x, 'name', None) or getattr(x, '__name__', ''))
def test_task_fields(cls, f, roots, monkeypatch):
    if (cls, f.name) in REASONS: pytest.skip(REASONS[(cls, f.name)])
    monkeypatch.chdir(roots['out'].parent)
    few = cls is FewShotConfig
    base = cls(**(FS_TASK if few else dict(dataset='list', frames=4, batch_size=8, epochs=1, num_workers=0, device='cpu', progress=False)),
               data_root=str(roots['few' if few else 'sup']), out_dir=str(roots['out']), run_name='field')   # not the default name: it echoes fields
    base = replace(base, **BASE.get((cls, f.name), {}))
    default = getattr(base, f.name)
    if f.name == 'data_root': alt = str(roots['few2' if few else 'sup2'])
    elif f.name == 'episode_list': alt = saved_list(base, roots['out'] / 'episodes.json')
    else: alt = alternative(cls, f, default)
    a, b = observe_task(base), observe_task(replace(base, **{f.name: alt}))
    assert differs(a, b), f'{cls.__name__}.{f.name}: a non-default value changes nothing the run derives or does'


# ---- evaluation and prediction: the report (without its echo of the settings) on a trained run -----------------------

from m2clip.evaluate import EvalConfig, PredictConfig, evaluate_run, predict_run

@pytest.fixture(scope='session')
def trained(roots):
    "Two tiny runs of one epoch on the small benchmark, with different seeds."
    from m2clip.trainer import train
    kw = dict(dataset='list', data_root=str(roots['sup']), frames=4, epochs=1, batch_size=8, num_workers=0, device='cpu', progress=False,
              out_dir=str(roots['out']))
    return [train(**kw, seed=s, run_name=f'trained{s}')['run_dir'] for s in (0, 1)]

REASONS |= {
    (EvalConfig, 'protocol'): 'zero-shot needs UCF101 / HMDB51 split files: nbs/30_evaluate.ipynb evaluates it on their layout',
    (EvalConfig, 'dataset'): 'each reader: nbs/13_readers.ipynb; the report names it (nbs/30_evaluate.ipynb)',
    (EvalConfig, 'fold'): 'UCF101 / HMDB51 folds: nbs/13_readers.ipynb', (EvalConfig, 'splits'): 'zero-shot only (see protocol)',
    (EvalConfig, 'model'): 'a backbone override of a trained run: nbs/30_evaluate.ipynb (load_model with overrides)',
    (EvalConfig, 'pretrained'): 'test_pretrained_weights_reach_the_model; load_model overrides: nbs/30_evaluate.ipynb',
    (EvalConfig, 'batch_size'): 'batches change no number by design: nbs/30_evaluate.ipynb', (EvalConfig, 'num_workers'): 'as batch_size',
    (EvalConfig, 'device'): RUN_REASONS['device'], (EvalConfig, 'progress'): RUN_REASONS['progress'],
    (PredictConfig, 'model'): 'as EvalConfig.model', (PredictConfig, 'pretrained'): 'as EvalConfig.pretrained',
    (PredictConfig, 'device'): RUN_REASONS['device'],
}
ALT |= {(EvalConfig, 'split'): 'train', (EvalConfig, 'views'): '2x1', (EvalConfig, 'frames'): 2, (EvalConfig, 'sampling'): 'dense',
        (EvalConfig, 'stride'): 2, (EvalConfig, 'precision'): 'bf16', (EvalConfig, 'quick_gelu'): True,
        (PredictConfig, 'labels'): 'moving something up, something growing', (PredictConfig, 'top_k'): 2, (PredictConfig, 'frames'): 2,
        (PredictConfig, 'quick_gelu'): True}
BASE |= {(EvalConfig, 'stride'): dict(sampling='dense')}

@pytest.mark.parametrize('f', fields(EvalConfig), ids=lambda f: f.name)
def test_eval_fields(f, roots, trained, tmp_path):
    if (EvalConfig, f.name) in REASONS: pytest.skip(REASONS[(EvalConfig, f.name)])
    base = replace(EvalConfig(checkpoint=trained[0], dataset='list', data_root=str(roots['sup']), num_workers=0, device='cpu'),
                   **BASE.get((EvalConfig, f.name), {}))
    alt = dict(checkpoint=trained[1], data_root=str(roots['other']), out=str(tmp_path / 'out')).get(f.name) or alternative(EvalConfig, f, getattr(base, f.name))
    def seen(cfg):
        from m2clip.evaluate import _autocast, _dataset, load_model, settings
        with _autocast(cfg, 'cpu')(): dtype = (torch.ones(2, 2) @ torch.ones(2, 2)).dtype          # the precision it derives
        model = load_model(cfg.checkpoint, device='cpu'); full = settings(cfg, model.trained_with)
        ds = _dataset(model, full, full.split, full.fold)[0]                                      # and the clips it reads
        dtype = (dtype, ds.sampling, ds.sampling.indices(12, False, None).tolist())
        return {k: v for k, v in evaluate_run(cfg).items() if k != 'settings'} | dict(files=sorted(tmp_path.rglob('*')), dtype=dtype)
    assert differs(seen(base), seen(replace(base, **{f.name: alt}))), f'EvalConfig.{f.name}: a non-default value changes nothing'

@pytest.mark.parametrize('f', fields(PredictConfig), ids=lambda f: f.name)
def test_predict_fields(f, roots, trained, tmp_path):
    if (PredictConfig, f.name) in REASONS: pytest.skip(REASONS[(PredictConfig, f.name)])
    base = PredictConfig(checkpoint=trained[0], device='cpu')
    labels = tmp_path / 'labels.txt'; labels.write_text('moving something down\nsomething shrinking\n')
    alt = dict(checkpoint=trained[1], labels_file=str(labels)).get(f.name) or alternative(PredictConfig, f, getattr(base, f.name))
    video = [str(roots['sup'] / 'videos' / 'test' / '00000.mp4')]
    assert differs(predict_run(video, base), predict_run(video, replace(base, **{f.name: alt}))), f'PredictConfig.{f.name}: changes nothing'

# ---- the profiler, the generated data, the benchmark and the GPU check ------------------------------------------------

from m2clip.profile import ProfileConfig, _report
from m2clip.synthetic import SyntheticConfig, generate
from m2clip.benchmark import BenchConfig, build_model, precisions
from m2clip.config import int_list
from m2clip.gpu_check import GPUCheckConfig

ALT |= {(SyntheticConfig, 'size'): 24, (ProfileConfig, 'preset'): 'release-k400', (ProfileConfig, 'model'): 'ViT-B-32', (ProfileConfig, 'image_size'): 32,
        (ProfileConfig, 'labels'): 'hmdb51'}
BASE |= {(ProfileConfig, n): dict(preset='fsar-tiny') for n in ('way', 'shot', 'query')}

@pytest.mark.parametrize('f', fields(ProfileConfig), ids=lambda f: f.name)
def test_profile_fields(f):
    base = replace(ProfileConfig(preset='tiny'), **BASE.get((ProfileConfig, f.name), {}))
    alt = alternative(ProfileConfig, f, getattr(base, f.name))
    assert differs(_report(base.validate()), _report(replace(base, **{f.name: alt}).validate())), f'ProfileConfig.{f.name}: changes nothing'

@pytest.mark.parametrize('f', fields(SyntheticConfig), ids=lambda f: f.name)
def test_synthetic_fields(f, tmp_path):
    "Each field changes the generated files (lists, classes, video bytes)."
    import hashlib
    base = SyntheticConfig(train=2, val=1, test=1, frames=2, size=16, families=1)
    def seen(cfg, d):
        root = generate(tmp_path / d, cfg, progress=False)
        return {str(p.relative_to(root)): hashlib.md5(p.read_bytes()).hexdigest() for p in sorted(root.rglob('*')) if p.is_file() and p.name != 'manifest.json'}
    alt = replace(base, **{f.name: alternative(SyntheticConfig, f, getattr(base, f.name))})
    assert differs(seen(base, 'a'), seen(alt, 'b')), f'SyntheticConfig.{f.name}: changes nothing'

from m2clip.synthetic import WorldVideoConfig, generate_world
ALT |= {(WorldVideoConfig, 'size'): 24}

@pytest.mark.parametrize('f', fields(WorldVideoConfig), ids=lambda f: f.name)
def test_world_video_fields(f, tmp_path):
    "Each field changes the world's generated files (lists, class splits, video bytes)."
    import hashlib
    base = WorldVideoConfig(train=1, val=0, test=0, frames=2, size=16)
    def seen(cfg, d):
        root = generate_world(tmp_path / d, cfg, progress=False)
        return {str(p.relative_to(root)): hashlib.md5(p.read_bytes()).hexdigest() for p in sorted(root.rglob('*')) if p.is_file() and p.name != 'manifest.json'}
    alt = replace(base, **{f.name: alternative(WorldVideoConfig, f, getattr(base, f.name))})
    assert differs(seen(base, 'a'), seen(alt, 'b')), f'WorldVideoConfig.{f.name}: changes nothing'

from m2clip.world import WorldConfig, pretrain

@pytest.mark.parametrize('f', fields(WorldConfig), ids=lambda f: f.name)
def test_world_fields(f):
    "Each field changes the pretrained world CLIP's weights (a three-step pretraining on a few pictures)."
    base = WorldConfig(images=32, steps=3, batch_size=8, warmup=2)
    alt = replace(base, **{f.name: alternative(WorldConfig, f, getattr(base, f.name))})
    weights = lambda cfg: pretrain(cfg, progress=False)[0].state_dict()
    assert differs(weights(base), weights(alt)), f'WorldConfig.{f.name}: changes nothing'

BENCH_SEEN = {   # what the benchmark derives from a field before measuring; the rest is measured (REASONS)
    'preset': lambda c: build_model(c, 'meta').cfg, 'model': lambda c: build_model(c, 'meta').cfg.model,
    'labels': lambda c: build_model(c, 'meta').classnames, 'frames': lambda c: int_list(c, 'frames'),
    'batch_sizes': lambda c: int_list(c, 'batch_sizes'), 'loader_workers': lambda c: int_list(c, 'loader_workers', 0),
    'precisions': lambda c: precisions(c, torch.device('cpu')), 'device': lambda c: c.device,
}
REASONS |= {(BenchConfig, n): f'measured, not derived: the end-to-end run in nbs/50_benchmark.ipynb ({why})' for n, why in dict(
    repeats='the timed calls per setting', checkpointing='the train+checkpointing rows', gemm_size='the peak and the targets judged',
    text_path='the text_path section', fewshot_episodes='the few-shot section', loader_clips='the loader rows', videos='the loader videos',
    threads='torch threads', out='the files written', progress='one line per measurement').items()}
REASONS |= {(GPUCheckConfig, f.name): 'needs a CUDA device: nbs/51_gpu_check.ipynb tests each check with fakes; m2clip-gpu-check on a GPU'
            for f in fields(GPUCheckConfig)}
ALT |= {(BenchConfig, 'preset'): 'tiny', (BenchConfig, 'model'): 'ViT-B-32', (BenchConfig, 'labels'): 'hmdb51', (BenchConfig, 'frames'): '8',
        (BenchConfig, 'batch_sizes'): '1', (BenchConfig, 'loader_workers'): '0', (BenchConfig, 'precisions'): 'fp32', (BenchConfig, 'device'): 'cpu'}

@pytest.mark.parametrize('f', fields(BenchConfig), ids=lambda f: f.name)
def test_bench_fields(f):
    if (BenchConfig, f.name) in REASONS: pytest.skip(REASONS[(BenchConfig, f.name)])
    base = BenchConfig()
    alt = replace(base, **{f.name: alternative(BenchConfig, f, getattr(base, f.name))})
    assert differs(BENCH_SEEN[f.name](base), BENCH_SEEN[f.name](alt)), f'BenchConfig.{f.name}: changes nothing'

from m2clip.reports import ReportsConfig, EXPERIMENTS, resolve, data_folders, split_names

REPORTS_SEEN = lambda c: dict(out=c.out_folder(), notebooks=c.notebook_folder(), selected=split_names(c.only), data=data_folders(c.data),
                              params=[resolve(e, c.regime, c.out_folder(), data_folders(c.data)) for e in EXPERIMENTS])
ALT |= {(ReportsConfig, 'only'): 'world', (ReportsConfig, 'out'): '/tmp/reports-alt', (ReportsConfig, 'data'): 'k400=/tmp',
        (ReportsConfig, 'notebooks'): '/tmp'}
BASE |= {(ReportsConfig, 'data'): dict(regime='real')}
REASONS |= {(ReportsConfig, 'force'): 'reruns what is up to date: nbs/60_reports.ipynb (only=a, force=True runs a again)',
            (ReportsConfig, 'progress'): 'the lines printed: nbs/60_reports.ipynb runs with it off, tests/test_reports.py with it on'}

@pytest.mark.parametrize('f', fields(ReportsConfig), ids=lambda f: f.name)
def test_reports_fields(f):
    if (ReportsConfig, f.name) in REASONS: pytest.skip(REASONS[(ReportsConfig, f.name)])
    base = replace(ReportsConfig(), **BASE.get((ReportsConfig, f.name), {}))
    alt = replace(base, **{f.name: alternative(ReportsConfig, f, getattr(base, f.name))})
    assert differs(REPORTS_SEEN(base.validate()), REPORTS_SEEN(alt.validate())), f'ReportsConfig.{f.name}: changes nothing'

from m2clip.site import SiteConfig

REASONS |= {(SiteConfig, 'check'): 'opens three pages in Chromium: tests/test_site.py checks its lines and screenshots, nbs/61_site.ipynb its findings',
            (SiteConfig, 'shots'): 'the screenshots: tests/test_site.py lists them, nbs/61_site.ipynb (browser_check) too',
            (SiteConfig, 'force'): "nbdev's own proc_nbs(force=...): it reprocesses notebooks whose processed copy is newer"}

@pytest.mark.parametrize('f', fields(SiteConfig), ids=lambda f: f.name)
def test_site_fields(f, tmp_path):
    if (SiteConfig, f.name) in REASONS: pytest.skip(REASONS[(SiteConfig, f.name)])
    base = replace(SiteConfig(check=False))
    alt = replace(base, **{f.name: str(tmp_path / 'site')})
    assert base.validate().site() != alt.validate().site(), f'SiteConfig.{f.name}: changes nothing'

def test_every_config_is_swept():
    "Every config dataclass of the package is in this file, and each of its fields has a test or a stated reason."
    import importlib, pkgutil, m2clip
    found = set()
    for m in pkgutil.iter_modules(m2clip.__path__):
        mod = importlib.import_module(f'm2clip.{m.name}')
        found |= {v for k, v in vars(mod).items() if k.endswith('Config') and dataclasses.is_dataclass(v) and v.__module__ == mod.__name__}
    swept = {M2CLIPConfig, TEDConfig, HeadsConfig, FSARConfig, MAFSARAdapterConfig, TrainConfig, FewShotConfig, EvalConfig, PredictConfig,
             ProfileConfig, SyntheticConfig, WorldVideoConfig, WorldConfig, BenchConfig, GPUCheckConfig, ReportsConfig, SiteConfig}
    assert found - swept == {RunConfig}, found - swept       # RunConfig's fields are TrainConfig's and FewShotConfig's, swept there
