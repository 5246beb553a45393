/* The client side of vdispld-test-input.so's command socket (see
 * vdispld_test_input.c): one command per line, one reply line each. */
#ifndef VDISPLD_TEST_INPUT_CMD_H
#define VDISPLD_TEST_INPUT_CMD_H

/* A connected socket, or -1 (said why on stderr). */
int input_cmd_connect(const char *path);
/* Sends line (without its newline) and reads the reply: 0 for "ok";
 * -1 for any other reply (printed), an I/O error or a line too long. */
int input_cmd(int fd, const char *line);

#endif
