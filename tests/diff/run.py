#!/usr/bin/env python3
"""Differential test of the C scorer against a model of the reference.

tests/diff/refmodel.py is hermes-router 0.7.4's score_prompt() written from
router-core.md with Python's own re module (the reference's engine); it
reproduces every row of the routing corpus.  This script makes random
prompts from the reference's trigger words, case and Unicode folds,
punctuation and odd whitespace, scores each with build/tests/score-lines
(the C scorer) and with the model, and compares complexity, risk,
confidence and every feature.  Prompts where one of our deliberate
differences applies (topic-only, destructive shell commands) are skipped.

usage: run.py SCORE_LINES_BINARY [COUNT] [SEED] [MAX_WORDS]
Prints "ok - ..." / "not ok - ..." lines for tests/run.sh.
"""
import json, os, random, re, subprocess, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import refmodel  # noqa: E402


def vocabulary():
    words = set()
    pats = list(refmodel.RX.values()) + [refmodel.AMBIG, refmodel.CLEAR,
                                         refmodel.EMAIL_MENTION, refmodel.ORDER_NP]
    for r in pats:
        text = r.pattern.replace('\\b', '').replace('\\s', '')
        for w in re.findall(r"[a-z0-9][a-z0-9 \-]*[a-z0-9]|[a-z0-9]", text):
            words.update(part for part in w.split(' ') if part)
    words |= {'order', 'book', 'email', 'message', 'a', 'an', 'the', 'my', 'our',
              'in', 'of', 'to', 'by', 'for', 'apply', 'this', 'it', 'that', 'and',
              'then', 'explain', 'how', 'works', 'film', 'files', 'all', 'across',
              'small', 'install', 'prefix', 'rewrite', 'function', 'myimage',
              'profile', '2020s', '2024', 'api_key', "don't", 'formatting',
              'marketing', 'formula', 'notes', 'team', 'bob', 'x'}
    return sorted(words)


FOLD = {'s': ['s', 'S', '\u017f'], 'k': ['k', 'K', '\u212a'],
        'i': ['i', 'I', '\u0131', '\u0130']}
SEPS = [' '] * 12 + ['  ', '\t', '\n', ' - ', '-', '- ', ', ', '. ', '.', ':', ';',
                    '!', '?', '/', '\u00a0', '\u3000', '\u200b', '_', '', '(', ')',
                    '[', ']', '"', "'", '`', '\u201c', '\u201d', '\u2019',
                    ' \u2014 ', '\u0301 ']


def mutate(rng, w):
    r = rng.random()
    if r < 0.08:
        return w.upper()
    if r < 0.15:
        return w.capitalize()
    if r < 0.2:
        return ''.join(rng.choice(FOLD[c]) if c in FOLD and rng.random() < 0.5
                       else c for c in w)
    if r < 0.23:
        return w + rng.choice(['s', 'ed', 'ing', '\u00e9', '2'])
    if r < 0.25:
        return rng.choice(['\u00e9', 'x', 'un', 're']) + w
    return w


def prompts(count, seed, max_words):
    rng = random.Random(seed)
    words = vocabulary()
    for _ in range(count):
        n = rng.randint(0, max_words)
        parts = []
        for i in range(n):
            parts.append(mutate(rng, rng.choice(words)))
            if i < n - 1:
                parts.append(rng.choice(SEPS))
        p = ''.join(parts)
        if rng.random() < 0.1:
            p = rng.choice([' ', '\n', '"', '(']) + p
        if rng.random() < 0.1:
            p += rng.choice(['.', '?', ' ', '!\n', '"'])
        yield p


def main():
    binary = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    max_words = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    ps = list(prompts(count, seed, max_words))
    inp = ''.join(json.dumps(p) + '\n' for p in ps)
    out = subprocess.run([binary], input=inp.encode(), capture_output=True,
                         check=True).stdout.decode().splitlines()
    bad = skipped = 0
    for p, line in zip(ps, out):
        o = line.split()
        cx, rk, cf, ours = int(o[0]), int(o[1]), int(o[2]), int(o[3])
        if ours:
            skipped += 1
            continue
        ref = refmodel.score(p)
        if ref != (cx, rk, cf, sorted(o[4:])):
            bad += 1
            if bad <= 10:
                print('# differs: %r ref %s ours %s %s' % (
                    p, ref[:3], (cx, rk, cf), set(ref[3]) ^ set(o[4:])))
    checked = len(ps) - skipped
    print('# %d prompts, %d compared, %d skipped (our differences), %d differ'
          % (len(ps), checked, skipped, bad))
    ok = bad == 0 and len(out) == len(ps)
    print('%s - C scorer equals the reference model on %d random prompts'
          % ('ok' if ok else 'not ok', checked))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
