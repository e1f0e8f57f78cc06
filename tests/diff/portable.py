#!/usr/bin/env python3
"""The scorer's fast lexer (SSE2, 16 bytes at a time) against its portable
one (8-byte SWAR and byte by byte): both must score every prompt the same.

Prompts are random runs of words of every length (1 to 80 bytes: across the
8-, 16-, 24- and 64-byte edges the lexer cares about), in mixed case, with
digits and underscores, non-ASCII letters and folds (ſ, ı, K, İ), invalid
UTF-8, NUL bytes and every kind of separator, so that word ends fall on
every lane of a 16-byte load, and near the end of the prompt.

usage: portable.py FAST_SCORE_LINES PORTABLE_SCORE_LINES [COUNT] [SEED]
Prints "ok - ..." / "not ok - ..." lines for tests/run.sh.
"""
import random
import subprocess
import sys

PIECES = ["a", "Z", "_", "7", "é", "ſ", "ı", "\u212a", "İ", "ß", "ж", "中"]
WORDS = ["delete", "Delete", "DROP", "table", "rm", "rf", "email", "send",
         "book", "flight", "write", "the", "function", "across", "files",
         "wipe", "purge", "git", "push", "mkfs", "dev", "sda", "image",
         "generate", "refactor", "research", "analyze", "explain",
         "how", "what", "works", "does", "film", "command", "between",
         "and", "or", "but", "please", "can", "you", "to", "a", "my",
         "run", "then", "called", "word", "order", "message", "hard",
         "reset", "look", "at", "screenshot", "describe", "edit", "file"]
SEPS = [" ", " ", " ", "  ", "-", "--", " -", ". ", ", ", "\n", "\t", "'",
        "`", '"', "/", "=/", " > ", "\u00a0", "\u2028", "; ", "(", ")"]


def word(rng):
    r = rng.random()
    if r < 0.45:
        w = rng.choice(WORDS)
        return w.upper() if rng.random() < 0.1 else w
    n = rng.choice([1, 2, 7, 8, 9, 15, 16, 17, 23, 24, 25, 31, 32, 33,
                    47, 63, 64, 65, 80, rng.randint(1, 40)])
    out = []
    for _ in range(n):
        if rng.random() < 0.06:
            out.append(rng.choice(PIECES))
        else:
            out.append(rng.choice("abcdefghijklmnopqrstuvwxyz"
                                  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"))
    return "".join(out)


def prompt(rng):
    parts = [] if rng.random() < 0.7 else [rng.choice(SEPS)]
    for _ in range(rng.randint(1, 60)):
        parts.append(word(rng))
        parts.append(rng.choice(SEPS))
    if rng.random() < 0.5:
        parts.pop()     # the prompt ends inside a word
    return "".join(parts)


def run(binary, lines):
    try:
        p = subprocess.run([binary], input="\n".join(lines) + "\n",
                           capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        return []       # a lexer that never ends a word
    return p.stdout.splitlines()


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip().splitlines()[-2], file=sys.stderr)
        return 2
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 20000
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    prompts = [prompt(rng).encode() for _ in range(count)]
    # and bytes that are not text: invalid UTF-8, NUL, a cut sequence
    for i in range(0, count, 7):
        s = prompts[i]
        k = rng.randint(0, len(s))
        prompts[i] = s[:k] + rng.choice([b"\xff", b"\x00", b"\x80a",
                                         b"\xe2\x80", b"\xc3"]) + s[k:]
    lines = ["x:" + p.hex() for p in prompts]
    fast, portable = run(sys.argv[1], lines), run(sys.argv[2], lines)
    if len(fast) != count or len(portable) != count:
        print("not ok - both lexers answer every prompt (%d, %d of %d)" %
              (len(fast), len(portable), count))
        return 1
    bad = [i for i in range(count) if fast[i] != portable[i]]
    for i in bad[:5]:
        print("# differs: %r\n#   fast:     %s\n#   portable: %s" %
              (prompts[i][:200], fast[i], portable[i]))
    print("%s - the SSE2 and portable lexers agree on %d prompts" %
          ("not ok" if bad else "ok", count))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
