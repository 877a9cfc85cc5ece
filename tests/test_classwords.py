"""``ClassWords``: the class words of the pruning and of the structure walk found by splitting,
exactly where the regular expressions they replace find them."""

from __future__ import annotations

import random
import re

import pytest

from crawlers import cleaning, items
from crawlers.classwords import ClassWords

# The expressions as they were written before (the words read by splitting since).
BEFORE = {
    "prune": re.compile(
        r"(^|[\s_-])(cookies?|gdpr|consent|eu-cookie|share|sharing|social-share|sharedaddy|addtoany|a2a|"
        r"print-link|comments?|comment-respond|respond|nocomments|comments-area|related|related-posts|yarpp|"
        r"jp-relatedposts|relpost-thumb-wrapper|relpost|post-suggestions|suggestions|you-may-also-like|"
        r"read-next|more-posts|post-navigation|nav-links|breadcrumbs?|skip-link|visually-hidden|"
        r"element-invisible|element-hidden|screen-reader-text|sr-only|newsletter)($|[\s_-])", re.IGNORECASE),
    "skip": re.compile(
        r"(^|[\s_-])(sidebar|widget|widgets|related|relatedposts|jp-relatedposts|yarpp|comments?|comment-respond|"
        r"share|sharing|sharedaddy|social|breadcrumbs?|menu|post-navigation|nav-links|navigation|cookies?|"
        r"newsletter|banner|advert|ads|promo|footer|skip-link)($|[\s_-])", re.IGNORECASE),
    "pagination": re.compile(
        r"(^|[\s_-])(pagination|pager|page-numbers|wp-pagenavi|paginator|pagenav)($|[\s_-])", re.IGNORECASE),
}
NOW = {"prune": cleaning._PRUNE_WORDS, "skip": items._SKIP_WORDS, "pagination": items._PAGINATION_WORDS}


def attribute_strings(seed: int, n: int) -> list[str]:
    """Class and id strings made of the words, pieces of them, other words and every kind of
    separator, in mixed case, some with non-ASCII letters."""
    words = [w for c in NOW.values() for w in c._single] + ["-".join(r) for c in NOW.values()
                                                             for runs in c._multi.values() for r in runs]
    pieces = words + [w[:-1] for w in words] + [w + "s" for w in words] + [w.replace("-", "_") for w in words] + [
        "entry", "post", "wp", "block", "x", "", "ſhare", "SHARE", "Kookie", "menü", "navİgation", "footer2", "a2a"]
    separators = [" ", "-", "_", "--", "\t", "\n", "\x1c", "\x0b", "\u00a0", "\u2003", ":", ".", "/", "", " -"]
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        parts = [rng.choice(pieces) for _ in range(rng.randint(1, 5))]
        text = "".join(p + rng.choice(separators) for p in parts)
        out.append(text.upper() if rng.random() < 0.1 else text.title() if rng.random() < 0.1 else text)
    return out


@pytest.mark.parametrize("name", sorted(NOW))
def test_the_words_are_found_where_the_expression_finds_them(name: str) -> None:
    texts = attribute_strings(17, 30_000)
    found = [NOW[name].search(t) for t in texts]
    assert found == [BEFORE[name].search(t) is not None for t in texts]
    assert found == [NOW[name].pattern.search(t) is not None for t in texts]
    assert 0.05 < sum(found) / len(found) < 0.95  # both answers are well represented


def test_a_few_cases_by_hand() -> None:
    share = ClassWords(["share", "social-share", "nav-links"])
    assert share.search("entry share") and share.search("Share_buttons") and share.search("x--share")
    assert share.search("post nav-links") and share.search("NAV-LINKS-top") and share.search("my-social-share")
    assert not share.search("shares sharing") and not share.search("nav links") and not share.search("nav_links")
    assert not share.search("social") and not share.search("") and not share.search("reshare")
    assert share.search("menü share") and not share.search("menü shares")  # not ASCII: the expression
    with pytest.raises(ValueError):
        ClassWords(["cookies?"])
