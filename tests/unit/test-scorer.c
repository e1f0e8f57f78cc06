/*
 * Unit tests for the prompt scorer (router-core.md §2) and its Unicode
 * handling.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mr/router.h"
#include "mr/unicode.h"

static struct mr_scoring packaged;

static const int packaged_w[MR_W_COUNT] = {
#define X(id, dim, name, cd, pk) pk,
	MR_WEIGHTS
#undef X
};

static int
setup(void **state)
{
	(void)state;
	packaged.saturation_k = 50;
	memcpy(packaged.w, packaged_w, sizeof(packaged_w));
	return 0;
}

static void
score(const char *p, struct mr_analysis *a)
{
	mr_score(&packaged, p, strlen(p), a);
}

static bool
has(const char *p, enum mr_feature f)
{
	struct mr_analysis a;

	score(p, &a);
	return mr_has(&a, f);
}

/* The worked examples of router-core.md §2.9. */
static void
test_worked_examples(void **state)
{
	static const struct {
		const char *prompt;
		int complexity, risk, confidence;
	} cases[] = {
		{ "rewrite this text", 10, 0, 90 },
		{ "fix the repo and run tests", 56, 38, 90 },
		{ "drop the production database", 10, 71, 75 },
		{ "delete all my emails", 29, 70, 75 },
		{ "search the web for the latest TypeScript release notes", 65,
		  0, 90 },
		{ "", 10, 0, 40 },
		{ "fix this", 33, 0, 55 },
	};
	struct mr_analysis a;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		score(cases[i].prompt, &a);
		assert_int_equal(a.complexity, cases[i].complexity);
		assert_int_equal(a.risk, cases[i].risk);
		assert_int_equal(a.confidence, cases[i].confidence);
	}
}

/* §2.7: S(total) with k = 50, round half to even. */
static void
test_saturation(void **state)
{
	static const int table[][2] = {
		{ 0, 0 }, { -5, 0 }, { 12, 19 }, { 15, 23 }, { 20, 29 },
		{ 22, 31 }, { 25, 33 }, { 30, 38 }, { 32, 39 }, { 42, 46 },
		{ 50, 50 }, { 55, 52 }, { 62, 55 }, { 65, 57 }, { 100, 67 },
		{ 120, 71 }, { 350, 88 }, { 1950, 98 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		assert_int_equal(mr_saturate(table[i][0], 50), table[i][1]);
	/* 1/(1+3)*100 = 25 exactly; 1/(1+1)*100 = 50; half-even: 2.5 -> 2 */
	assert_int_equal(mr_saturate(1, 39), 2);	/* 2.5 -> 2 */
	assert_int_equal(mr_saturate(3, 37), 8);	/* 7.5 -> 8 */
}

static void
test_word_boundaries(void **state)
{
	(void)state;
	assert_true(has("please delete it", MR_F_DESTRUCTIVE_ACTION));
	assert_false(has("the deleted rows", MR_F_DESTRUCTIVE_ACTION));
	assert_true(has("'wipe' the disk", MR_F_DESTRUCTIVE_ACTION));
	assert_true(has("[erase] everything", MR_F_DESTRUCTIVE_ACTION));
	assert_true(has("purge-all caches", MR_F_DESTRUCTIVE_ACTION));
	assert_true(has("(drop) it", MR_F_DESTRUCTIVE_ACTION));
	/* dead prefixes stay dead, as in the reference */
	assert_false(has("improve scalability", MR_F_ARCHITECTURE));
	assert_false(has("a vulnerability", MR_F_SECURITY));
	/* ... but the literal words match, as in the reference */
	assert_true(has("scalab", MR_F_ARCHITECTURE));
	assert_true(has("concurren issues", MR_F_ARCHITECTURE));
	assert_true(has("a vulnerabilit", MR_F_SECURITY));
	assert_false(has("planning systems", MR_F_MULTI_STEP_REASONING));
	/* the coding verb has no leading boundary */
	assert_true(has("rewrite a function", MR_F_CODING_INTENT));
	assert_true(has("prefix the module", MR_F_CODING_INTENT));
	assert_false(has("write a poem", MR_F_CODING_INTENT));
	assert_true(has("write a poem", MR_F_FILE_INTENT));
	/* edit .*file */
	assert_true(has("edit the profile", MR_F_CODING_INTENT));
	assert_false(has("edit: the file", MR_F_CODING_INTENT));
	/* api_key is one word */
	assert_false(has("rotate the api_key value", MR_F_PII));
	assert_true(has("rotate the api keys", MR_F_PII));
	/* years */
	assert_true(has("news from 2024", MR_F_CURRENT_INFO_INTENT));
	assert_false(has("the 2020s", MR_F_CURRENT_INFO_INTENT));
	/* hyphenated phrases */
	assert_true(has("keep it up-to-date", MR_F_CURRENT_INFO_INTENT));
	assert_true(has("exactly-once delivery", MR_F_ARCHITECTURE));
	assert_true(has("a trade-off", MR_F_MULTI_STEP_REASONING));
	assert_true(has("the tradeoffs", MR_F_MULTI_STEP_REASONING));
}

static void
test_rules(void **state)
{
	(void)state;
	/* send: email + object that is not benign */
	assert_true(has("email the team", MR_F_SEND_ACTION));
	assert_false(has("email formatting tips", MR_F_SEND_ACTION));
	assert_false(has("email addresses", MR_F_SEND_ACTION));
	assert_false(has("email, then", MR_F_SEND_ACTION));
	assert_true(has("email the team", MR_F_EMAIL_INTENT));
	/* purchase */
	assert_true(has("book a flight to Oslo", MR_F_PURCHASE_ACTION));
	assert_true(has("book flight", MR_F_PURCHASE_ACTION));
	assert_false(has("book tickets", MR_F_PURCHASE_ACTION));
	assert_false(has("book a the flight", MR_F_PURCHASE_ACTION));
	assert_true(has("order a pizza", MR_F_PURCHASE_ACTION));
	assert_false(has("order a pizza in order to feed the team",
	    MR_F_PURCHASE_ACTION));
	assert_false(has("sort in alphabetical order", MR_F_PURCHASE_ACTION));
	assert_false(has("the order of operations", MR_F_PURCHASE_ACTION));
	/* high impact */
	assert_true(has("apply for the job", MR_F_HIGH_IMPACT_EXTERNAL_ACTION));
	assert_false(has("apply the patch", MR_F_HIGH_IMPACT_EXTERNAL_ACTION));
	/* image generation: verb, at most two words, noun */
	assert_true(has("generate an image", MR_F_IMAGE_GENERATION_INTENT));
	assert_true(has("draw a cute cat picture",
	    MR_F_IMAGE_GENERATION_INTENT) == false);
	assert_true(has("draw a cute picture", MR_F_IMAGE_GENERATION_INTENT));
	assert_true(has("make logos", MR_F_IMAGE_GENERATION_INTENT));
	assert_false(has("generate a summary of this image's metadata",
	    MR_F_IMAGE_GENERATION_INTENT));
	assert_true(has("run stable diffusion locally",
	    MR_F_IMAGE_GENERATION_INTENT));
	assert_false(has("heat diffusion", MR_F_IMAGE_GENERATION_INTENT));
	/* vision */
	assert_true(has("describe the attached myimage", MR_F_VISION_INTENT));
	assert_true(has("look at this screenshot", MR_F_VISION_INTENT));
	assert_true(has("extract text from the scan", MR_F_VISION_INTENT));
	/* mechanical / repo-wide */
	assert_true(has("rename it across the codebase",
	    MR_F_MECHANICAL_WORK_INTENT));
	assert_true(has("small files", MR_F_REPO_WIDE_INTENT));
	/* ambiguity */
	assert_true(has("fix this", MR_F_AMBIGUOUS));
	assert_false(has("explain this", MR_F_AMBIGUOUS));
	assert_false(has("fix this bug in the parser now", MR_F_AMBIGUOUS));
	assert_true(has("deal with taxes", MR_F_AMBIGUOUS));
}

static void
test_unicode(void **state)
{
	struct mr_analysis a;

	(void)state;
	/* case-insensitive folds that reach ASCII */
	assert_true(has("\xc5\xbf" "end the report", MR_F_SEND_ACTION));
	assert_true(has("BOO\xe2\x84\xaa a flight", MR_F_PURCHASE_ACTION));
	assert_true(has("\xc4\xb1nvoice", MR_F_FINANCIAL_DOMAIN));
	/* İ lower-cases to i + U+0307, which breaks the word */
	assert_false(has("\xc4\xb0nvoice", MR_F_FINANCIAL_DOMAIN));
	/* a combining mark is not a word character */
	assert_true(has("delete\xcc\x81 it", MR_F_DESTRUCTIVE_ACTION));
	/* fullwidth letters do not match ASCII */
	assert_false(has("\xef\xbd\x84\xef\xbd\x85\xef\xbd\x8c\xef\xbd\x85"
	    "\xef\xbd\x94\xef\xbd\x85 it", MR_F_DESTRUCTIVE_ACTION));
	/* letters glue to a keyword: "deleteé" is one word */
	assert_false(has("delete\xc3\xa9 it", MR_F_DESTRUCTIVE_ACTION));
	/* NBSP is whitespace, zero-width space is not */
	assert_true(has("clean\xc2\xa0up this", MR_F_SIMPLE_TRANSFORM));
	assert_false(has("clean\xe2\x80\x8bup this", MR_F_SIMPLE_TRANSFORM));
	/* lengths are code points */
	score("h\xc3\xa9llo \xf0\x9f\x98\x80", &a);
	assert_int_equal(a.prompt_length, 7);
	assert_int_equal(a.estimated_tokens, 2);
	/* CJK is made of word characters; "delete" beside it is glued */
	assert_false(has("\xe5\x88\xa0\xe9\x99\xa4" "delete",
	    MR_F_DESTRUCTIVE_ACTION));
	assert_true(has("\xe5\x88\xa0\xe9\x99\xa4 delete",
	    MR_F_DESTRUCTIVE_ACTION));
	assert_true(mr_uni_is_word(0x00E9));
	assert_true(mr_uni_is_word(0x4E00));
	assert_false(mr_uni_is_word(0x0301));
	assert_false(mr_uni_is_word(0x2014));
	assert_true(mr_uni_is_space(0x3000));
	assert_false(mr_uni_is_space(0x200B));
}

static void
test_hostile_bytes(void **state)
{
	static const char nul[] = "please\0delete everything";
	static const char bad[] = "\xff\xfe\xc0\xaf delete \xed\xa0\x80 it";
	struct mr_analysis a;

	(void)state;
	mr_score(&packaged, nul, sizeof(nul) - 1, &a);
	assert_true(mr_has(&a, MR_F_DESTRUCTIVE_ACTION));
	assert_int_equal(a.prompt_length, sizeof(nul) - 1);
	mr_score(&packaged, bad, sizeof(bad) - 1, &a);
	assert_true(mr_has(&a, MR_F_DESTRUCTIVE_ACTION));
	/* each invalid byte counts as one code point */
	assert_int_equal(a.prompt_length, 4 + 8 + 3 + 3);
	mr_score(&packaged, NULL, 0, &a);
	assert_int_equal(a.prompt_length, 0);
	/* a truncated sequence at the very end */
	mr_score(&packaged, "drop \xe2\x82", 7, &a);
	assert_true(mr_has(&a, MR_F_DESTRUCTIVE_ACTION));
}

static void
test_long_prompts(void **state)
{
	struct mr_analysis a;
	size_t n = 10u << 20, i;
	char *p = malloc(n + 1);

	(void)state;
	assert_non_null(p);
	/* 3996 code points: 999 tokens; 3997: 1000 tokens -> long_context */
	memset(p, 'a', 3997);
	for (i = 1; i < 3997; i += 2)
		p[i] = ' ';
	mr_score(&packaged, p, 3996, &a);
	assert_false(mr_has(&a, MR_F_LONG_CONTEXT));
	mr_score(&packaged, p, 3997, &a);
	assert_true(mr_has(&a, MR_F_LONG_CONTEXT));
	assert_int_equal(a.estimated_tokens, 1000);

	/* 10 MB of filler with one risky word at the very end */
	for (i = 0; i < n; i++)
		p[i] = "lorem ipsum "[i % 12];
	memcpy(p + n - 7, " purge", 6);
	p[n - 1] = '!';
	mr_score(&packaged, p, n, &a);
	assert_true(mr_has(&a, MR_F_DESTRUCTIVE_ACTION));
	assert_true(mr_has(&a, MR_F_REQUIRES_CONFIRMATION));
	assert_int_equal(a.prompt_length, n);
	free(p);
}

/* Words longer than the lexer's 64-byte ring keep their prefix and suffix. */
static void
test_long_words(void **state)
{
	char buf[512];

	(void)state;
	snprintf(buf, sizeof(buf), "email format%0100d", 7);
	assert_false(has(buf, MR_F_SEND_ACTION));
	snprintf(buf, sizeof(buf), "email team%0100d", 7);
	assert_true(has(buf, MR_F_SEND_ACTION));
	snprintf(buf, sizeof(buf), "rm --recursive%0100d x", 7);
	assert_true(has(buf, MR_F_DESTRUCTIVE_COMMAND));
	snprintf(buf, sizeof(buf), "%0100drewrite a function", 7);
	assert_true(has(buf, MR_F_CODING_INTENT));
	snprintf(buf, sizeof(buf), "edit the x%0100dfile", 7);
	assert_true(has(buf, MR_F_CODING_INTENT));
	/* a long word that starts with non-ASCII letters */
	snprintf(buf, sizeof(buf), "email \xc3\xa9%0100d", 7);
	assert_true(has(buf, MR_F_SEND_ACTION));
	snprintf(buf, sizeof(buf), "email \xc5\xbfummary%0100d", 7);
	assert_false(has(buf, MR_F_SEND_ACTION));
}

static void
test_destructive_commands(void **state)
{
	static const char *yes[] = {
		"rm -rf /", "sudo rm -fr ~/", "rm --recursive --force build",
		"mkfs.ext4 /dev/sdb1", "run wipefs on it",
		"dd if=/dev/zero of=/dev/sda bs=1M", "cat x > /dev/nvme0n1",
		"git reset --hard HEAD~3", "shred the logs",
	};
	static const char *no[] = {
		"rm notes.txt", "dd if=a.img of=b.img", "reset the counter",
		"list /dev/sda partitions",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_true(has(yes[i], MR_F_DESTRUCTIVE_COMMAND));
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_false(has(no[i], MR_F_DESTRUCTIVE_COMMAND));
	assert_true(has("rm -rf /", MR_F_DESTRUCTIVE_ACTION));
	assert_true(has("rm -rf /", MR_F_REQUIRES_CONFIRMATION));
}

static void
test_topic_only(void **state)
{
	static const char *topic[] = {
		"Explain how `git push` works",
		"Summarize the plot of the film The Purge",
		"What does the drop command do in SQL?",
		"Explain what 'purge' means",
		"What is a merge sort?",
		"please explain how git push works",
		"Explain the \xe2\x80\x9csend\xe2\x80\x9d function",
		"Explain the difference between DELETE and TRUNCATE in SQL",
		"What is the difference between git merge and git rebase?",
		"Compare `merge` and `rebase`",
		"Explain `git push` or `git pull`",
		"Explain what git push does",
		"how does git push work",
		"What does git merge do?",
		"what does git push --force do",
		"Explain how git push works",
		"what delete does",
	};
	static const char *action[] = {
		"explain how to delete a branch",
		"Summarize the doc, then delete it",
		"Explain `git push` and push my branch",
		"what does 'drop' do? drop it",
		"explain 'delete everything",
		"delete the film The Purge",
		"Explain how `rm -rf /` works",
		"explain how to book a flight",
		"What does the drop command do\nDrop the table",
		"Explain how push works and push",
		"explain delete all files",
		"Describe the book Drop and drop it",
		"Explain the film Purge and purge the cache",
		"Compare `merge` and merge the branch",
		"Explain the difference between delete and then delete it",
		"What is the word purge or purge them",
		"how can I wipe the disk and have it work",
		"how do I delete files it works",
		"how does it work, delete the logs",
		"what should I delete and do",
		"how works delete",
		"what delete",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(topic) / sizeof(topic[0]); i++) {
		assert_true(has(topic[i], MR_F_TOPIC_ONLY));
		assert_false(has(topic[i], MR_F_REQUIRES_CONFIRMATION));
	}
	for (i = 0; i < sizeof(action) / sizeof(action[0]); i++) {
		assert_false(has(action[i], MR_F_TOPIC_ONLY));
		assert_true(has(action[i], MR_F_REQUIRES_CONFIRMATION));
	}
}

/* Scores are the same whatever the case or spacing (normalisation). */
static void
test_normalisation(void **state)
{
	struct mr_analysis a, b;

	(void)state;
	score("Fix   The\tREPO\nand RUN tests", &a);
	score("fix the repo and run tests", &b);
	assert_int_equal(a.features & ((1ULL << MR_F_PUBLIC_COUNT) - 1),
	    b.features & ((1ULL << MR_F_PUBLIC_COUNT) - 1));
	assert_int_equal(a.complexity, b.complexity);
	assert_int_equal(a.risk, b.risk);
	/* leading/trailing whitespace does not matter to features */
	assert_true(has("   rewrite this", MR_F_SIMPLE_TRANSFORM));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_worked_examples),
		cmocka_unit_test(test_saturation),
		cmocka_unit_test(test_word_boundaries),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_unicode),
		cmocka_unit_test(test_hostile_bytes),
		cmocka_unit_test(test_long_prompts),
		cmocka_unit_test(test_long_words),
		cmocka_unit_test(test_destructive_commands),
		cmocka_unit_test(test_topic_only),
		cmocka_unit_test(test_normalisation),
	};
	int rc = cmocka_run_group_tests(tests, setup, NULL);

	mr_uni_cleanup();
	return rc;
}
