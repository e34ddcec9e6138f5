"""A small self-hosted challenge (人机验证) for the public vote: an arithmetic question drawn by
Pillow, asked before a code is sent once an address or device has voted or asked for codes
faster than people do (``views.voting``). No external service, no CDN, no JavaScript.

- ``challenge_new()`` draws "7 + 5 = ?" on a noisy PNG (a ``data:`` URI, allowed by the
  site's CSP) and gives the same question in words ("七加五等于几？"; in English "What is 7
  plus 5?") for screen readers, as the image's alternative text;
- the answer is never sent to the browser: the form carries a signed token with a random
  nonce and a keyed hash of nonce and answer, valid ``VALID_FOR_SECONDS``;
- ``challenge_passed(token, answer)`` checks the signature, the age and the answer, and uses
  the token up (a nonce is accepted once, right or wrong), so a token cannot be replayed and
  guessing costs a new challenge each time. With the shared cache away the token is still
  signed and short-lived; it is accepted once per check rather than refusing every voter.

It stops scripts that post forms blindly, and makes each extra code cost a round trip; it
is a speed bump, the limits and the unique vote per person stay the rules.
"""

from __future__ import annotations

import base64
import io
import random
import secrets
import unicodedata
from dataclasses import dataclass

from django.core import signing
from django.core.cache import cache
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from core.cache_guard import CacheGuard, CacheUnavailable

SALT = "contests.challenge"
VALID_FOR_SECONDS = 5 * 60
WIDTH, HEIGHT = 200, 60
DIGITS = "零一二三四五六七八九"
_guard = CacheGuard(consequence="challenge tokens are not checked for reuse")
_random = random.SystemRandom()


@dataclass(frozen=True)
class Challenge:
    token: str  # for the form's hidden field
    image: str  # data:image/png;base64,...
    question: str  # the question in words: the image's alternative text
    width: int = WIDTH
    height: int = HEIGHT


def chinese_number(value: int) -> str:
    """0–99 in Chinese numerals, as spoken: 七, 十二, 二十, 三十五."""
    if value < 10:
        return DIGITS[value]
    tens, ones = divmod(value, 10)
    return f"{DIGITS[tens] if tens > 1 else ''}十{DIGITS[ones] if ones else ''}"


def challenge_new() -> Challenge:
    """A fresh question: a sum of two numbers up to 20, or a difference that is not negative."""
    first, second = _random.randint(2, 20), _random.randint(1, 9)
    if _random.random() < 0.5:
        answer, sign, word = first + second, "+", _("加")
    else:
        first, second = max(first, second), min(first, second)
        answer, sign, word = first - second, "-", _("减")
    nonce = secrets.token_urlsafe(12)
    token = signing.dumps({"n": nonce, "h": _answer_hash(nonce, answer)}, salt=SALT)
    spoken = chinese_number if (get_language() or "zh").startswith("zh") else str
    question = _("请计算：%(first)s%(op)s%(second)s等于几？") % {
        "first": spoken(first),
        "op": word,
        "second": spoken(second),
    }
    return Challenge(token=token, image=_draw(f"{first} {sign} {second} = ?"), question=question)


def challenge_passed(token: str, answer: str) -> bool:
    """True when ``token`` is one of ours, not older than ``VALID_FOR_SECONDS``, not used
    before, and ``answer`` is its answer. Side effect: the token is used up."""
    try:
        data = signing.loads(token or "", salt=SALT, max_age=VALID_FOR_SECONDS)
        nonce, expected = str(data["n"]), str(data["h"])
    except (signing.BadSignature, KeyError, TypeError):
        return False
    try:
        if not _guard.call(cache.add, f"contests:challenge-used:{nonce}", 1, VALID_FOR_SECONDS + 60):
            return False
    except CacheUnavailable:
        pass
    number = _as_number(answer)
    return number is not None and constant_time_compare(_answer_hash(nonce, number), expected)


def _answer_hash(nonce: str, answer: int) -> str:
    return salted_hmac(SALT, f"{nonce}:{answer}", algorithm="sha256").hexdigest()


def _as_number(answer: str) -> int | None:
    """The answer as typed: spaces ignored, full-width digits (a Chinese keyboard) read."""
    text = unicodedata.normalize("NFKC", "".join((answer or "").split()))
    if not text.isdigit() or len(text) > 3:
        return None
    return int(text)


def _draw(text: str) -> str:
    """``text`` on a light noisy background, each character a little askew; a PNG data URI."""
    image = Image.new("RGB", (WIDTH, HEIGHT), (246, 247, 249))
    draw = ImageDraw.Draw(image)
    for _n in range(6):
        draw.line(
            [(_random.randint(0, WIDTH), _random.randint(0, HEIGHT)) for _point in range(2)],
            fill=(_random.randint(150, 210),) * 3,
            width=1,
        )
    font = ImageFont.load_default(size=30)
    x = 12
    for char in text:
        glyph = Image.new("RGBA", (34, 44), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((4, 2), char, font=font, fill=(_random.randint(20, 70), 40, 90, 255))
        glyph = glyph.rotate(_random.uniform(-18, 18), resample=Image.Resampling.BICUBIC, expand=False)
        image.paste(glyph, (x, _random.randint(4, 14)), glyph)
        x += 10 if char == " " else 21
    for _n in range(120):
        draw.point((_random.randrange(WIDTH), _random.randrange(HEIGHT)), fill=(120, 120, 140))
    image = image.filter(ImageFilter.SMOOTH)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
