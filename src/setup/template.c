/*
 * Filling in preset templates.  The presets are our own files, laid out as
 * block mappings with one scalar per line, so a dotted path is found by
 * indentation: each key sits two spaces deeper than its parent.  Only the
 * value's bytes change; comments after it stay.
 */
#include <stdio.h>
#include <string.h>

#include "mr/setup.h"

void
mr_yaml_quote(const char *v, struct mr_buf *out)
{
	const unsigned char *p;

	mr_buf_addch(out, '"');
	for (p = (const unsigned char *)v; *p; p++) {
		switch (*p) {
		case '"':
			mr_buf_addstr(out, "\\\"");
			break;
		case '\\':
			mr_buf_addstr(out, "\\\\");
			break;
		case '\n':
			mr_buf_addstr(out, "\\n");
			break;
		case '\t':
			mr_buf_addstr(out, "\\t");
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				mr_buf_printf(out, "\\x%02x", *p);
			else
				mr_buf_addch(out, *p);
		}
	}
	mr_buf_addch(out, '"');
}

/* Start of the line after position I (or the end). */
static size_t
next_line(const char *s, size_t len, size_t i)
{
	while (i < len && s[i] != '\n')
		i++;
	return i < len ? i + 1 : len;
}

int
mr_template_set(struct mr_buf *text, const char *path, const char *value)
{
	char key[128];
	const char *s = text->buf, *seg = path, *dot;
	size_t len = text->len, i = 0, indent = 0, klen, sp, vstart, vend;
	size_t limit = len;
	struct mr_buf out = MR_BUF_INIT;

	for (;;) {
		dot = strchr(seg, '.');
		klen = dot ? (size_t)(dot - seg) : strlen(seg);
		if (klen == 0 || klen >= sizeof(key))
			return -1;
		memcpy(key, seg, klen);
		key[klen] = '\0';
		/* the key at this indent, within the parent's block */
		for (; i < limit; i = next_line(s, limit, i)) {
			for (sp = 0; i + sp < limit && s[i + sp] == ' '; sp++)
				;
			if (i + sp >= limit || s[i + sp] == '\n' ||
			    s[i + sp] == '#')
				continue;
			if (sp < indent)
				return -1;	/* left the parent's block */
			if (sp == indent && strncmp(s + i + sp, key, klen) == 0 &&
			    s[i + sp + klen] == ':')
				break;
		}
		if (i >= limit)
			return -1;
		if (dot == NULL)
			break;
		/* the child block: lines indented deeper than this one */
		{
			size_t j = next_line(s, limit, i), sp2;

			for (; j < limit; j = next_line(s, limit, j)) {
				for (sp2 = 0; j + sp2 < limit &&
				    s[j + sp2] == ' '; sp2++)
					;
				if (j + sp2 < limit && s[j + sp2] != '\n' &&
				    s[j + sp2] != '#' && sp2 <= indent)
					break;
			}
			limit = j;
		}
		i = next_line(s, limit, i);
		indent += 2;
		seg = dot + 1;
	}
	/* the value: after "key:" and blanks, up to a comment or the end */
	vstart = i + indent + klen + 1;
	while (vstart < len && s[vstart] == ' ')
		vstart++;
	vend = vstart;
	while (vend < len && s[vend] != '\n' && !(s[vend] == '#' &&
	    s[vend - 1] == ' '))
		vend++;
	while (vend > vstart && s[vend - 1] == ' ')
		vend--;
	if (vend == vstart)
		return -1;	/* a block follows: not a scalar */
	mr_buf_add(&out, s, vstart);
	mr_buf_addstr(&out, value);
	mr_buf_add(&out, s + vend, len - vend);
	mr_buf_release(text);
	*text = out;
	return 0;
}
