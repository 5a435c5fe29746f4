/* Translations from the sandbox's Linux (x86-64/arm64 generic) values to the libscap encodings
 * the eBPF driver emits: open flags, clone flags, fcntl commands, socket addresses. gVisor
 * reports raw syscall arguments, so they go through the same translation the driver applies. */
#ifndef GV_FLAGS_H
#define GV_FLAGS_H

#include <stddef.h>
#include <stdint.h>

uint32_t gv_flags_open(uint32_t kernel_flags);
/* Descriptor flags of pipe2/dup3 (O_CLOEXEC, O_NONBLOCK, O_DIRECT): no access mode bits. */
uint32_t gv_flags_fd(uint32_t kernel_flags);
uint32_t gv_flags_clone(uint64_t kernel_flags);
uint8_t gv_flags_fcntl_cmd(int32_t kernel_cmd);

/* Longest PT_SOCKADDR / PT_SOCKTUPLE value we write (unix path of 108 bytes + fixed part). */
#define GV_FLAGS_SOCKADDR_MAX 160u

/* Raw sockaddr (as the sandbox passed it) -> PT_SOCKADDR value in out (GV_FLAGS_SOCKADDR_MAX
 * bytes). Returns the length, 0 when the family is not one libscap encodes or it is truncated. */
uint32_t gv_flags_sockaddr(const uint8_t *sa, size_t len, uint8_t *out);
/* PT_SOCKTUPLE for a connection whose local side is unknown (gVisor reports only the address
 * argument): local address/port zero, remote = sa. Same return convention. */
uint32_t gv_flags_socktuple(const uint8_t *sa, size_t len, uint8_t *out);

#endif
