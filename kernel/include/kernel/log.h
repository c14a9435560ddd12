/*
 * kernel/log.h - kernel console output and leveled logging.
 *
 * kprintf prints a whole formatted message at once under the console lock,
 * so lines from different harts never interleave. klog messages appear
 * only at or below the level set by boot argument log=error|warn|info|debug
 * (default warn): the kernel is quiet unless asked.
 */
#ifndef KITE_KERNEL_LOG_H
#define KITE_KERNEL_LOG_H

#include "kernel/types.h"

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

extern enum log_level log_level;

__attribute__((format(printf, 1, 2))) int kprintf(const char *fmt, ...);
int kvprintf(const char *fmt, va_list ap);
__attribute__((format(printf, 2, 3))) void klog(enum log_level lvl,
						const char *fmt, ...);

#define log_error(...) klog(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) klog(LOG_WARN, __VA_ARGS__)
#define log_info(...) klog(LOG_INFO, __VA_ARGS__)
#define log_debug(...) klog(LOG_DEBUG, __VA_ARGS__)

/* Set log_level from a name; returns false if the name is unknown. */
bool log_set_level(const char *name);

#endif
