/* See input_cmd.h. */
#include "input_cmd.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int input_cmd_connect(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		fprintf(stderr, "input module socket %s: %s\n", path,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int input_cmd(int fd, const char *line)
{
	char buf[256];
	size_t len = 0;
	int n = snprintf(buf, sizeof(buf), "%s\n", line);

	if (n < 0 || (size_t)n >= sizeof(buf)) {
		fprintf(stderr, "input module command too long: %s\n", line);
		return -1;
	}
	if (write(fd, buf, (size_t)n) != n)
		return -1;
	/* Byte by byte: the reply is one short line, and nothing after it
	 * may be consumed here. */
	while (len < sizeof(buf) - 1) {
		ssize_t r = read(fd, buf + len, 1);

		if (r <= 0)
			return -1;
		if (buf[len++] == '\n')
			break;
	}
	buf[len] = '\0';
	if (strcmp(buf, "ok\n") != 0) {
		fprintf(stderr, "input module: command \"%s\" answered %s",
			line, buf);
		return -1;
	}
	return 0;
}
