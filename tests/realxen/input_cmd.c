/* realxen_input_cmd: sends commands to the test-only Weston input module
 * (tests/weston-modules/vdispld_test_input.c) over its Unix socket, from
 * Dom0's busybox world, which has no client for Unix sockets.
 *
 * Usage: realxen_input_cmd SOCKET COMMAND...
 * Each argument is one command line ("touch down 0 843 266", "touch
 * frame", ...). The module answers every line with "ok" or "error ..."
 * once Weston has processed it; the next command is sent only after the
 * reply, so events leave Weston in the order given. Prints
 * "input: COMMAND -> REPLY" per command.
 * Exit: 0 all ok; 1 a command was refused or got no reply; 2 no socket. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define REPLY_TIMEOUT_MS 5000

static int connect_to(const char *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "input: socket path too long: %s\n", path);
		return -ENAMETOOLONG;
	}
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int err = errno;

		fprintf(stderr, "input: connect %s: %s\n", path, strerror(err));
		close(fd);
		return -err;
	}
	return fd;
}

/* Reads one reply line into buf (without the newline). */
static int read_reply(int fd, char *buf, size_t size)
{
	size_t len = 0;

	while (len + 1 < size) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t n;

		if (poll(&p, 1, REPLY_TIMEOUT_MS) <= 0)
			return -ETIMEDOUT;
		n = read(fd, buf + len, 1);
		if (n <= 0)
			return n == 0 ? -EPIPE : -errno;
		if (buf[len] == '\n')
			break;
		len++;
	}
	buf[len] = '\0';
	return 0;
}

static int send_command(int fd, const char *cmd)
{
	char line[256], reply[256];
	int n = snprintf(line, sizeof(line), "%s\n", cmd);
	int ret;

	if (n <= 0 || (size_t)n >= sizeof(line))
		return -EINVAL;
	if (write(fd, line, (size_t)n) != n)
		return -errno;
	ret = read_reply(fd, reply, sizeof(reply));
	if (ret < 0) {
		printf("input: %s -> no reply (%s)\n", cmd, strerror(-ret));
		return ret;
	}
	printf("input: %s -> %s\n", cmd, reply);
	return strcmp(reply, "ok") == 0 ? 0 : -EINVAL;
}

int main(int argc, char **argv)
{
	int fd, failed = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: %s SOCKET COMMAND...\n", argv[0]);
		return 2;
	}
	fd = connect_to(argv[1]);
	if (fd < 0)
		return 2;
	for (int i = 2; i < argc; i++)
		if (send_command(fd, argv[i]) < 0)
			failed = 1;
	close(fd);
	return failed;
}
