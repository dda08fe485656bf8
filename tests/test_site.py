"""The documentation site, built and checked as a reader gets it: `m2clip-site` (nbdev's processing of every notebook,
pandoc, the reports) into a scratch folder, every local link resolved, nothing fetched from the internet, and the home
page, a component notebook with its equations and the reports' index opened in headless Chromium. In CI Chromium is
installed by .ci/run, so a missing browser fails here instead of skipping the check."""
import json, os, re, shutil, subprocess
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
HAVE_BROWSER = bool((shutil.which('chromium') or shutil.which('google-chrome')) and shutil.which('chromedriver'))

def test_browser_is_there_in_ci():
    if not os.environ.get('CI'): pytest.skip('outside CI the browser check runs where Chromium is installed')
    assert HAVE_BROWSER, 'CI must install chromium and chromium-driver (.ci/run)'

@pytest.fixture(scope='module')
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp('site') / '_docs'; shots = out.parent / 'shots'
    argv = ['m2clip-site', '--out', str(out)] + (['--shots', str(shots)] if HAVE_BROWSER else ['--check', 'false'])
    r = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=600)
    return out, shots, r

def test_site_builds_without_a_problem(site):
    out, _, r = site
    assert r.returncode == 0, r.stderr[-3000:]
    notebooks = [p for p in (ROOT / 'nbs').rglob('*.ipynb') if '.ipynb_checkpoints' not in p.parts]
    reports = [p for p in (ROOT / 'reports').glob('*') if p.suffix in ('.md', '.ipynb')]
    assert f'{len(notebooks) + len(reports) + 1} pages in {out}, no broken link' in r.stdout, r.stdout
    assert {p.name for p in out.glob('*.html')} >= {'index.html', 'adapters.html', 'heads.html', 'trainer.html', 'reports.html', 'site.html'}
    assert sorted(p.name for p in (out / 'fronts').glob('*.html')) == ['evaluate.html', 'fewshot.html', 'reports.html', 'train.html']

def test_pages_hold_what_a_reader_needs(site):
    out, _, _ = site
    home, adapters, reports = [(out / p).read_text() for p in ('index.html', 'adapters.html', 'reports/index.html')]
    assert 'Quickstart' in home and '<a href="adapters.html"><code>nbs/01_adapters.ipynb</code></a>' in home      # the README, its paths linked
    assert len(re.findall(r'<math', adapters)) > 10 and 'Text-Adapter (Eq. 9)' in adapters and 'TEDConfig' in adapters  # equations, show_doc
    assert 'test_eq(' in adapters                                                                                     # the tests are on the page
    figures = re.findall(r'<img src="([^"]+\.png)"', reports)
    assert figures and all((out / 'reports' / f).is_file() for f in figures)
    assert not re.search(r'<(script|link|img)[^>]+(src|href)="https?:', home + adapters + reports)

@pytest.mark.skipif(not HAVE_BROWSER, reason='needs chromium and chromedriver (apt-get install chromium chromium-driver)')
def test_checked_pages_in_the_browser(site):
    out, shots, r = site
    lines = [l for l in r.stdout.splitlines() if l.startswith('checked ')]
    assert len(lines) == 3 and all(l.endswith(', 0 errors') for l in lines), r.stdout
    assert re.search(r"checked adapters.html: 'Adapters', \d+ images, [1-9]\d* equations", r.stdout), r.stdout
    assert re.search(r"checked reports/index.html: 'Reports', [1-9]\d* images", r.stdout), r.stdout
    assert sorted(p.name for p in shots.iterdir()) == ['adapters.html.png', 'index.html.png', 'reports_index.html.png']
