/* kms_dump: what a DRM device offers, as kms_plan reads it (through the
 * presenter's own kms_dev_open), in kms_res_text's form with a prefix, so
 * the VM's console carries it to the host, which compares it with the
 * recorded tests/data/kms/ fixture the unit tests plan against.
 * Usage: kms_dump [DEVICE [PREFIX]]. Exit 0, or 1 with the reason. */
#include <stdio.h>

#include "kms_internal.h"
#include "kms_res_text.h"

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/dev/dri/card0";
	struct kms_dev d;

	if (kms_dev_open(&d, path, -1) < 0)
		return 1; /* kms_dev_open logged why */
	kms_res_print(stdout, argc > 2 ? argv[2] : "", &d.res);
	kms_dev_close(&d);
	return 0;
}
