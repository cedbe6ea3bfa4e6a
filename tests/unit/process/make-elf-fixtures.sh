#!/bin/bash
# SPDX-License-Identifier: MIT
# Make the real executables the ELF loader's host tests plan
# (tests/unit/process/test_elf.c), into OUTDIR:
#   static      musl-gcc -static           (ET_EXEC)
#   static-pie  musl's rcrt1.o, -static-pie (ET_DYN, no PT_INTERP)
#   dynamic     musl-gcc, dynamically linked (PT_INTERP: refused for now)
# and for each, NAME.readelf: `readelf -hlW`, which the test parses and
# checks the plan against field by field. Debian's musl-gcc wrapper does not
# know -static-pie (it links dynamically), so the static PIE is linked by
# hand from musl's files. Without musl-gcc, gcc -nostdlib programs with
# their own _start stand in, and the script says so.
set -eu
out=$1
mkdir -p "$out"
src=$(mktemp -d)
trap 'rm -rf "$src"' EXIT
cat > "$src/hello.c" <<'C'
#include <stdio.h>
int counter = 5;          /* .data */
char zeros[10000];        /* .bss over several pages */
int main(int argc, char **argv)
{
	printf("hello %d %s\n", argc + counter, argv[0]);
	return zeros[argc];
}
C
musl=/usr/lib/x86_64-linux-musl
if [ -z "${ELF_FIXTURES_NO_MUSL:-}" ] && command -v musl-gcc > /dev/null && [ -f "$musl/rcrt1.o" ]; then
	musl-gcc -static -O2 -o "$out/static" "$src/hello.c"
	musl-gcc -O2 -o "$out/dynamic" "$src/hello.c"
	gcc -fPIE -O2 -nostdinc -isystem /usr/include/x86_64-linux-musl \
		-c "$src/hello.c" -o "$src/hello.o"
	gcc -static-pie -nostdlib -nostartfiles -o "$out/static-pie" "$musl/rcrt1.o" \
		"$musl/crti.o" "$src/hello.o" -L"$musl" -lc "$(gcc -print-libgcc-file-name)" \
		"$musl/crtn.o"
else
	echo "make-elf-fixtures: no musl-gcc: using gcc -nostdlib programs" >&2
	cat > "$src/tiny.c" <<'C'
long counter = 5;
char zeros[10000];
void _start(void)
{
	__asm__ volatile("syscall" :: "a"(60), "D"(counter + zeros[1]));
	for (;;) ;
}
C
	gcc -static -nostdlib -O2 -fno-pie -no-pie -o "$out/static" "$src/tiny.c"
	gcc -static-pie -nostdlib -O2 -fPIE -o "$out/static-pie" "$src/tiny.c"
	gcc -O2 -o "$out/dynamic" "$src/hello.c"
fi
for f in static static-pie dynamic; do
	LC_ALL=C readelf -hlW "$out/$f" > "$out/$f.readelf"
done
