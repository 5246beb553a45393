/* The one escaper of guest text. A guest writes its XenStore nodes and
 * its requests; vdispld's journal is what an operator and an audit read.
 * Whatever a guest wrote is shown as inert, single-line, bounded data: no
 * byte of it can end a line, move a terminal's cursor or pass for a line
 * of vdispld's own. */
#include "log.h"

#include <stdio.h>
#include <string.h>

static size_t put_byte(char *out, unsigned char c)
{
	if (c == '"' || c == '\'' || c == '\\') {
		out[0] = '\\';
		out[1] = (char)c;
		return 2;
	}
	if (c < 0x20 || c >= 0x7f) {
		static const char hex[] = "0123456789abcdef";
		out[0] = '\\';
		out[1] = 'x';
		out[2] = hex[c >> 4];
		out[3] = hex[c & 15];
		return 4;
	}
	out[0] = (char)c;
	return 1;
}

const char *log_text_n(char *buf, size_t size, const void *s, size_t n)
{
	const unsigned char *p = s;
	size_t o = 0;
	char tmp[4];

	if (size == 0)
		return buf;
	for (size_t i = 0; i < n && i < LOG_TEXT_CAP; i++) {
		size_t k = put_byte(tmp, p[i]);
		if (o + k >= size)
			break; /* a small buffer: cut at a whole escape */
		memcpy(buf + o, tmp, k);
		o += k;
	}
	buf[o] = '\0';
	if (n > LOG_TEXT_CAP)
		snprintf(buf + o, size - o, "...(%zu bytes)", n);
	return buf;
}

const char *log_text_buf(char *buf, size_t size, const char *s)
{
	if (!s) {
		snprintf(buf, size, "(absent)");
		return buf;
	}
	return log_text_n(buf, size, s, strlen(s));
}
