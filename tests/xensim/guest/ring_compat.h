/* ring.h wants the kernel's barrier names when the interface version is
 * old (the default for users outside Xen): give it C11 ones. */
#ifndef XENSIM_RING_COMPAT_H
#define XENSIM_RING_COMPAT_H

#ifndef mb
#define mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif
#ifndef rmb
#define rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#endif
#ifndef wmb
#define wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#endif

#include <string.h>
#include <xen/io/ring.h>

#endif
