/* Value parsers for the INI file and the command line: strict, so a typo
 * is an error rather than a half-read number. */
#include "config_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int config_parse_u32(const char *s, uint32_t min, uint32_t max,
		     uint32_t *out)
{
	if (!s[0] || s[0] == '-' || s[0] == '+')
		return -EINVAL;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

int config_parse_size(const char *s, uint32_t *w, uint32_t *h)
{
	char ws[16];
	const char *x = strchr(s, 'x');
	if (!x || (size_t)(x - s) >= sizeof(ws))
		return -EINVAL;
	memcpy(ws, s, (size_t)(x - s));
	ws[x - s] = '\0';
	uint32_t nw, nh;
	if (config_parse_u32(ws, 1, 16384, &nw) < 0 ||
	    config_parse_u32(x + 1, 1, 16384, &nh) < 0)
		return -EINVAL;
	*w = nw;
	*h = nh;
	return 0;
}

int config_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"1", "true", "yes", "on"};
	static const char *const no[] = {"0", "false", "no", "off"};
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

int config_parse_shell(const char *s, enum config_shell *out)
{
	for (int i = CONFIG_SHELL_AUTO; i <= CONFIG_SHELL_IVI; i++) {
		if (strcmp(s, config_shell_name((enum config_shell)i)) == 0) {
			*out = (enum config_shell)i;
			return 0;
		}
	}
	return -EINVAL;
}

int config_parse_domains(const char *s, uint32_t *out, unsigned *n)
{
	char *copy = strdup(s);
	if (!copy)
		return -ENOMEM;
	unsigned count = 0;
	int r = 0;
	char *save;
	for (char *tok = strtok_r(copy, " ,\t", &save); tok;
	     tok = strtok_r(NULL, " ,\t", &save)) {
		if (count == CONFIG_MAX_DOMAINS ||
		    config_parse_u32(tok, 0, 0x7fef, &out[count]) < 0) {
			r = -EINVAL;
			break;
		}
		count++;
	}
	free(copy);
	if (r == 0)
		*n = count;
	return r;
}

int config_set_string(char **field, const char *value)
{
	char *copy = strdup(value);
	if (!copy)
		return -ENOMEM;
	free(*field);
	*field = copy;
	return 0;
}
