// SPDX-License-Identifier: MIT
/*
 * The console registry: a singly linked list of the places kernel messages
 * appear (serial, VGA text, framebuffer). Drivers register a struct console
 * once they have found their hardware; printk and panic write finished lines
 * through console_write(), which hands them to every enabled console.
 *
 * A console that registers late is not left with half a log: registration
 * replays the lines printk kept (printk_log_for_each), those below the
 * console log level, to the new console alone.
 *
 * console= on the command line (console_select) names the consoles to use.
 * The choice is remembered and applied again at each registration, because
 * the command line is read before every driver has registered. It never
 * leaves the machine silent: if it names none of the registered consoles,
 * all of them stay enabled.
 *
 * Locks: none yet (one CPU, interrupts off while printing). With SMP,
 * console_register and console_select take printk's lock (see printk.c), so
 * that the list, the replay and the lines printed meanwhile stay in order;
 * console_write runs under that lock already. The panic path calls
 * console_write without it.
 */
#include <xdv/console.h>
#include <xdv/printk.h>
#include <xdv/string.h>

/* Longest console= list remembered; the names are short. */
#define CONSOLE_SELECT_MAX 64

static struct console *console_list;
static unsigned console_nr;

/* The last console= list; empty: no choice made, every console enabled. */
static char console_selection[CONSOLE_SELECT_MAX];

/* Return: true when list, a comma-separated list of names, contains name. */
static bool console_is_named(const char *list, const char *name)
{
	size_t name_len = strlen(name);

	while (*list) {
		const char *comma = strchr(list, ',');
		size_t len = comma ? (size_t)(comma - list) : strlen(list);

		if (len == name_len && strncmp(list, name, len) == 0)
			return true;
		if (!comma)
			break;
		list = comma + 1;
	}
	return false;
}

/*
 * Enable the consoles named in the selection and disable the others, unless
 * that would disable all of them; then (or with no selection) enable all.
 */
static void console_apply_selection(void)
{
	struct console *con;
	bool any_named = false;

	if (console_selection[0]) {
		for (con = console_list; con; con = con->next)
			if (con->name && console_is_named(console_selection, con->name))
				any_named = true;
	}
	for (con = console_list; con; con = con->next)
		con->enabled = !any_named ||
			       (con->name && console_is_named(console_selection,
							      con->name));
}

static void console_replay_line(const char *line, size_t len, int level,
				void *arg)
{
	struct console *con = arg;

	if (level < printk_console_level())
		con->write(con, line, len);
}

/*
 * Add con to the list, enabled unless console= leaves it out, and replay
 * the kept log to it. Registering the same console twice does nothing.
 * Context: boot, from the driver that found the hardware.
 */
void console_register(struct console *con)
{
	struct console **link;

	if (!con || !con->write)
		return;
	for (link = &console_list; *link; link = &(*link)->next)
		if (*link == con)
			return;

	con->next = NULL;
	con->enabled = true;
	*link = con;
	console_nr++;
	console_apply_selection();
	if (con->enabled) {
		/*
		 * Unlinked while replaying: a line printed meanwhile is kept in
		 * the log, where the replay walk finds it, so it must not also
		 * reach con through console_write.
		 */
		*link = NULL;
		printk_log_for_each(console_replay_line, con);
		*link = con;
	}
}

/* Write buf to every enabled console. Context: any, including panic. */
void console_write(const char *buf, size_t len)
{
	struct console *con;

	if (!len)
		return;
	for (con = console_list; con; con = con->next)
		if (con->enabled)
			con->write(con, buf, len);
}

/*
 * Apply console=list: enable the registered consoles named in the
 * comma-separated list, disable the rest, and remember the list for
 * consoles that register later. Unknown names are ignored; when the list
 * names no registered console, all stay enabled. NULL or "" undoes any
 * earlier choice. Context: boot.
 */
void console_select(const char *list)
{
	strlcpy(console_selection, list ? list : "", sizeof(console_selection));
	console_apply_selection();
}

/* Return: the number of registered consoles, enabled or not. */
unsigned console_count(void)
{
	return console_nr;
}
