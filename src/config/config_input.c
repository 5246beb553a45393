/* The [input] section: Dom0's own input devices under presenter = kms.
 *   seat = seat0                 every device of that udev seat
 *   output = Virtual-1           where devices no line names go
 *   device = DEVICE OUTPUT       one per device (repeatable)
 * DEVICE is a path, an event node name or the kernel's device name (which
 * may hold spaces: the output is the last word). */
#include "config_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool blank(char c) { return c == ' ' || c == '\t'; }

int config_parse_device_output(const char *s, char **device, char **output)
{
	size_t end = strlen(s), out, dev_end, start = 0;

	while (end > 0 && blank(s[end - 1]))
		end--;
	out = end;
	while (out > 0 && !blank(s[out - 1]))
		out--;
	if (out == end)
		return -EINVAL;
	dev_end = out;
	while (dev_end > 0 && blank(s[dev_end - 1]))
		dev_end--;
	while (start < dev_end && blank(s[start]))
		start++;
	if (start == dev_end || dev_end == out)
		return -EINVAL; /* one word: a device without its output */
	*device = strndup(s + start, dev_end - start);
	*output = strndup(s + out, end - out);
	if (!*device || !*output) {
		free(*device);
		free(*output);
		*device = *output = NULL;
		return -ENOMEM;
	}
	return 0;
}

static int add_device(struct config_input *in, const char *value)
{
	if (in->n_devices >= CONFIG_MAX_INPUT_DEVICES)
		return -E2BIG;
	struct config_input_device *d = &in->devices[in->n_devices];
	int r = config_parse_device_output(value, &d->device, &d->output);
	if (r == 0)
		in->n_devices++;
	return r;
}

int config_input_key(struct config_parse_ctx *ctx, const char *key,
		     const char *value)
{
	struct config_input *in = &ctx->cfg->input;
	int r;

	if (strcmp(key, "seat") == 0)
		r = value[0] ? config_set_string(&in->seat, value) : -EINVAL;
	else if (strcmp(key, "output") == 0)
		r = value[0] ? config_set_string(&in->output, value) : -EINVAL;
	else if (strcmp(key, "device") == 0)
		r = add_device(in, value);
	else
		return config_parse_error(ctx, "unknown key \"%s\" in [input]",
					  key);
	if (r == -E2BIG)
		return config_parse_error(ctx, "more than %d devices in [input]",
					  CONFIG_MAX_INPUT_DEVICES);
	if (r < 0)
		return config_parse_error(ctx, "invalid value \"%s\" for %s "
					  "(want %s)", value, key,
					  strcmp(key, "device") == 0
						  ? "DEVICE OUTPUT"
						  : "a name");
	return 1;
}

void config_input_free(struct config_input *in)
{
	for (unsigned i = 0; i < in->n_devices; i++) {
		free(in->devices[i].device);
		free(in->devices[i].output);
	}
	free(in->seat);
	free(in->output);
	*in = (struct config_input){0};
}
