/*
 * The scorer's vocabulary: which words and phrases set which features.
 *
 * The reference expresses each detector as a regular expression of whole
 * words (router-core.md §2.2).  Here every word is a key of one hash table
 * that carries a bit set of features and rule roles, and every multi-word
 * phrase is a sequence of table ids with the separators between them, so
 * the scorer needs one pass over the prompt and one lookup per word.
 */
#include <pthread.h>
#include <string.h>

#include "core-int.h"

#define F(x) MR_FBIT(x)

/* Single words: each sets the listed features and roles. */
static const struct {
	uint64_t	 feat;
	uint32_t	 role;
	const char	*words;
} word_groups[] = {
	{ F(SIMPLE_TRANSFORM), 0,
	  "rewrite rephrase format extract copyedit proofread" },
	{ F(CODING_INTENT), 0,
	  "code coding repo repository implement implementation pytest ruff "
	  "test tests debug bug pr refactor lint build compile traceback "
	  "exception codebase python javascript typescript dependency import" },
	{ F(RESEARCH_INTENT), 0,
	  "research search browse cite citation source sources trend trends "
	  "internet web" },
	{ F(CURRENT_INFO_INTENT), 0,
	  "current latest recent today yesterday now news fresh "
	  "2020 2021 2022 2023 2024 2025 2026 2027 2028 2029" },
	{ F(FRESHNESS_OBJECT), 0,
	  "release releases version versions changelog pricing price prices "
	  "weather stock stocks benchmark benchmarks" },
	{ F(MULTI_STEP_REASONING), 0,
	  "architecture architect design plan strategy roadmap tradeoff "
	  "tradeoffs rollout migration system" },
	/* "scalab" and "concurren" only ever match as those literal words */
	{ F(ARCHITECTURE), 0,
	  "distributed architecture consensus throughput backpressure scalab "
	  "concurren" },
	{ F(FILE_INTENT), 0,
	  "file files folder directory write edit create patch" },
	{ F(EMAIL_INTENT), 0, "emails mail inbox" },
	{ 0, MR_R_EMAIL_MENTION, "email message mail inbox" },
	{ F(CALENDAR_INTENT), 0,
	  "calendar invite appointment schedule reschedule" },
	{ F(SHELL_INTENT), 0,
	  "shell terminal command execute pytest ruff npm git" },
	{ F(GITHUB_INTENT), 0,
	  "github pr issue branch commit merge git" },
	{ 0, MR_R_IMG_VERB,
	  "generate create make draw render produce design" },
	{ 0, MR_R_IMG_NOUN,
	  "image images picture pictures photo photos illustration "
	  "illustrations logo logos icon icons wallpaper wallpapers poster "
	  "posters" },
	{ F(VISION_INTENT), 0,
	  "image picture photo screenshot chart diagram graph ocr vision "
	  "visual scan" },
	{ F(TOOL_INTENT), 0,
	  "run execute open browse search send schedule download upload "
	  "install call github calendar" },
	{ F(LEGAL_DOMAIN), 0,
	  "legal lawyer lawsuit contract settlement liability compliance "
	  "regulation regulations" },
	{ F(MEDICAL_DOMAIN), 0,
	  "medical doctor diagnosis diagnose treatment symptom prescription "
	  "clinical health patient" },
	{ F(FINANCIAL_DOMAIN), 0,
	  "financial finance tax taxes investment invest liability loan "
	  "insurance bank trading stock portfolio payment invoice refund" },
	{ F(PRODUCTION), 0, "production prod" },
	{ F(SECURITY), 0, "exploit malware xss csrf breach vulnerabilit" },
	{ F(PII), 0,
	  "ssn ssns passport passports password passwords secret secrets" },
	{ F(DESTRUCTIVE_ACTION), 0,
	  "delete remove wipe destroy drop erase cancel terminate purge "
	  "truncate shutdown uninstall revoke" },
	{ F(SEND_ACTION), 0, "send post publish submit reply" },
	{ 0, MR_R_MSG, "message email" },
	{ F(PURCHASE_ACTION), 0, "buy purchase pay transfer wire subscribe" },
	{ 0, MR_R_BOOK, "book" },
	{ 0, MR_R_BOOK_DET, "a an the my our" },
	{ 0, MR_R_BOOK_OBJ,
	  "flight hotel room ticket appointment reservation meeting call "
	  "table ride trip" },
	{ 0, MR_R_ORDER, "order" },
	{ 0, MR_R_ORDER_PRE,
	  "in alphabetical chronological numerical numeric reverse ascending "
	  "descending sort sorted sorting random word priority of that" },
	{ 0, MR_R_ORDER_POST, "of to by in" },
	{ F(HIGH_IMPACT_EXTERNAL_ACTION), 0,
	  "schedule reschedule invite deploy merge commit push" },
	{ F(STRUCTURED_OUTPUT), 0,
	  "json yaml csv table schema structured bullet bullets checklist" },
	{ F(MECHANICAL_WORK_INTENT), 0,
	  "mechanical bulk codemod rename replace deprecated deprecation "
	  "modernize migrate migration format lint" },
	{ F(JUDGMENT_HEAVY_INTENT), 0,
	  "judgment judgement subtle product ui ux architecture architectural "
	  "design tradeoff tradeoffs strategy plan ambiguous intent review" },
	{ F(VERIFICATION_INTENT), 0,
	  "verify verification e2e playwright cypress selenium pytest ci "
	  "benchmark regression" },
	{ F(REPO_WIDE_INTENT), 0, "repo repository codebase monorepo" },
	{ F(AMBIGUOUS_WORD), 0, "handle help fix manage do this that it" },
	{ F(CLEAR_GENERAL), 0, "summarize summarise explain" },
	{ 0, MR_R_CODE_NOUN, "function class module script" },
	{ 0, MR_R_ARTICLE, "a an the" },
	{ 0, MR_R_THE, "the" },
	{ 0, MR_R_REPO_NOUN,
	  "repo repository codebase file files module modules package "
	  "packages service services" },
	{ 0, MR_R_EDIT, "edit" },
	{ 0, MR_R_DESCRIBE, "describe" },
	/* Ours: destructive shell commands (docs/routing-differences.md). */
	{ F(DESTRUCTIVE_COMMAND), 0, "mkfs wipefs shred" },
	{ 0, MR_R_RM, "rm" },
	{ 0, MR_R_DEV, "dev" },
	{ 0, MR_R_RESET, "reset" },
	/* Ours: requests that only talk about a risky word. */
	{ 0, MR_R_TOPIC_LEAD,
	  "explain summarize summarise describe define what how why who which "
	  "compare" },
	{ 0, MR_R_TOPIC_SKIP, "please can could would you" },
	{ 0, MR_R_TOPIC_INTRO,
	  "film movie book novel song show series album game play episode "
	  "band word term verb keyword concept meaning definition phrase title "
	  "character plot between" },
	{ 0, MR_R_BETWEEN, "between" },
	{ 0, MR_R_TOPIC_CONJ, "and or but plus" },
	{ 0, MR_R_TOPIC_NOUN,
	  "command commands function method statement keyword button option "
	  "flag operation operator algorithm sort conflict conflicts request "
	  "event hook endpoint query clause syntax semantics notification "
	  "notifications menu down zone policy" },
	{ 0, MR_R_TOPIC_DISQ,
	  "then also after afterwards next finally before once so now "
	  "immediately instead run execute perform go proceed actually my our "
	  "me us mine yours your their" },
	{ 0, MR_R_HOW, "how what" },
	{ 0, MR_R_WORKS, "works work worked does do did means mean meant" },
	{ 0, MR_R_TO, "to" },
};

/*
 * Phrases: words separated by ' ' (any whitespace run in the prompt) or
 * '-' (exactly one hyphen).
 */
static const struct {
	uint64_t	 feat;
	uint32_t	 role;
	const char	*text;
} phrase_list[] = {
	{ F(SIMPLE_TRANSFORM), 0, "clean up" },
	{ F(SIMPLE_TRANSFORM), 0, "make this clearer" },
	{ F(SIMPLE_TRANSFORM), 0, "make it clearer" },
	{ F(SIMPLE_TRANSFORM), 0, "fix typo" },
	{ F(SIMPLE_TRANSFORM), 0, "fix typos" },
	{ F(SIMPLE_TRANSFORM), 0, "fix a typo" },
	{ F(SIMPLE_TRANSFORM), 0, "fix a typos" },
	{ F(SIMPLE_TRANSFORM), 0, "fix the typo" },
	{ F(SIMPLE_TRANSFORM), 0, "fix the typos" },
	{ F(CODING_INTENT), 0, "unit test" },
	{ F(CODING_INTENT), 0, "fix the repo" },
	{ F(CODING_INTENT) | F(GITHUB_INTENT), 0, "pull request" },
	{ F(CODING_INTENT), 0, "stack trace" },
	{ F(CODING_INTENT), 0, "api endpoint" },
	{ F(RESEARCH_INTENT), 0, "look up" },
	{ F(RESEARCH_INTENT), 0, "find online" },
	{ F(CURRENT_INFO_INTENT), 0, "up-to-date" },
	{ F(FRESHNESS_OBJECT), 0, "model release" },
	{ F(FRESHNESS_OBJECT), 0, "model releases" },
	{ F(FRESHNESS_OBJECT), 0, "model version" },
	{ F(FRESHNESS_OBJECT), 0, "model versions" },
	{ F(MULTI_STEP_REASONING), 0, "multi-step" },
	{ F(MULTI_STEP_REASONING) | F(JUDGMENT_HEAVY_INTENT), 0, "trade-off" },
	{ F(MULTI_STEP_REASONING) | F(JUDGMENT_HEAVY_INTENT), 0, "trade-offs" },
	{ F(MULTI_STEP_REASONING) | F(JUDGMENT_HEAVY_INTENT), 0, "edge case" },
	{ F(MULTI_STEP_REASONING) | F(JUDGMENT_HEAVY_INTENT), 0, "edge cases" },
	{ F(MULTI_STEP_REASONING), 0, "data flow" },
	{ F(ARCHITECTURE), 0, "exactly-once" },
	{ F(SHELL_INTENT), 0, "run test" },
	{ F(SHELL_INTENT), 0, "run tests" },
	{ F(IMAGE_GENERATION_INTENT), 0, "stable diffusion" },
	{ F(VISION_INTENT), 0, "screen shot" },
	{ F(VISION_INTENT), 0, "extract text from" },
	{ 0, MR_R_LOOK_AT, "look at" },
	{ F(TOOL_INTENT), 0, "use tool" },
	{ F(PRODUCTION), 0, "customer data" },
	{ F(PRODUCTION), 0, "live system" },
	{ F(PRODUCTION), 0, "main branch" },
	{ F(SECURITY), 0, "sql injection" },
	{ F(PII), 0, "social security" },
	{ F(PII), 0, "credit card" },
	{ F(PII), 0, "credit cards" },
	{ F(PII), 0, "api key" },
	{ F(PII), 0, "api keys" },
	{ F(PII), 0, "private key" },
	{ F(PII), 0, "private keys" },
	{ F(HIGH_IMPACT_EXTERNAL_ACTION), 0, "apply for" },
	{ F(MECHANICAL_WORK_INTENT), 0, "update import" },
	{ F(MECHANICAL_WORK_INTENT), 0, "update imports" },
	{ F(MECHANICAL_WORK_INTENT), 0, "upgrade import" },
	{ F(MECHANICAL_WORK_INTENT), 0, "upgrade imports" },
	{ F(JUDGMENT_HEAVY_INTENT), 0, "user experience" },
	{ F(JUDGMENT_HEAVY_INTENT), 0, "final review" },
	{ F(VERIFICATION_INTENT), 0, "test suite" },
	{ F(VERIFICATION_INTENT), 0, "full test" },
	{ F(VERIFICATION_INTENT), 0, "full tests" },
	{ F(VERIFICATION_INTENT), 0, "end-to-end" },
	{ F(VERIFICATION_INTENT), 0, "unit test" },
	{ F(VERIFICATION_INTENT), 0, "unit tests" },
	{ F(VERIFICATION_INTENT), 0, "integration test" },
	{ F(VERIFICATION_INTENT), 0, "integration tests" },
	{ F(VERIFICATION_INTENT), 0, "make test" },
	{ F(REPO_WIDE_INTENT), 0, "repo-wide" },
	{ F(REPO_WIDE_INTENT), 0, "repository-wide" },
	{ F(REPO_WIDE_INTENT), 0, "project-wide" },
	{ F(AMBIGUOUS_WORD), 0, "deal with" },
};

static struct mr_lexicon lex;
static pthread_once_t lex_once = PTHREAD_ONCE_INIT;

/* Returns the id of word S (adding it when ADD), or 0. */
static uint16_t
intern(const char *s, size_t n, bool add)
{
	_Alignas(8) char pad[MR_LEX_MAXLEN];
	struct mr_lex_word *w;
	uint32_t h;

	if (n == 0 || n > MR_LEX_MAXLEN)
		return 0;
	memset(pad, 0, sizeof(pad));
	memcpy(pad, s, n);
	h = mr_lex_hash(pad, n) & (MR_LEX_SLOTS - 1);
	for (;;) {
		if (lex.slot[h] == 0)
			break;
		w = &lex.words[lex.slot[h]];
		if (w->len == n && memcmp(w->text, s, n) == 0)
			return lex.slot[h];
		h = (h + 1) & (MR_LEX_SLOTS - 1);
	}
	if (!add || lex.nwords + 1 >= MR_LEX_MAXWORDS)
		return 0;
	lex.nwords++;
	w = &lex.words[lex.nwords];
	memcpy(w->text, s, n);
	w->len = (uint8_t)n;
	lex.slot[h] = (uint16_t)lex.nwords;
	return (uint16_t)lex.nwords;
}

static void
add_phrase(uint64_t feat, uint32_t role, const char *text)
{
	struct mr_lex_phrase *p;
	const char *s = text, *e;
	uint16_t id = 0;

	if (lex.nphrases >= MR_LEX_MAXPHRASES)
		return;
	p = &lex.phrases[lex.nphrases];
	memset(p, 0, sizeof(*p));
	p->feat = feat;
	p->role = role;
	while (*s && p->n < MR_LEX_PHRASE_WORDS) {
		e = s;
		while (*e && *e != ' ' && *e != '-')
			e++;
		id = intern(s, (size_t)(e - s), true);
		p->ids[p->n] = id;
		p->seps[p->n] = p->n == 0 ? MR_SEP_START :
		    (s[-1] == '-' ? MR_SEP_HYPHEN : MR_SEP_SPACE);
		p->n++;
		s = *e ? e + 1 : e;
	}
	/* Chain the phrase onto its last word. */
	p->next = lex.words[id].phrases;
	lex.words[id].phrases = (uint16_t)(lex.nphrases + 1);
	lex.nphrases++;
}

static void
build(void)
{
	size_t i, n;
	const char *s, *e;
	uint16_t id;

	for (i = 0; i < MR_NELEM(word_groups); i++) {
		for (s = word_groups[i].words; *s; s = e) {
			while (*s == ' ')
				s++;
			e = s;
			while (*e && *e != ' ')
				e++;
			n = (size_t)(e - s);
			if (n == 0)
				continue;
			id = intern(s, n, true);
			lex.words[id].feat |= word_groups[i].feat;
			lex.words[id].role |= word_groups[i].role;
		}
	}
	for (i = 0; i < MR_NELEM(phrase_list); i++)
		add_phrase(phrase_list[i].feat, phrase_list[i].role,
		    phrase_list[i].text);
}

const struct mr_lexicon *
mr_lexicon(void)
{
	pthread_once(&lex_once, build);
	return &lex;
}

