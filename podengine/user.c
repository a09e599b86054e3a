/* User and group resolution in an image's rootfs (see user.h).  The parsing
 * follows runc's libcontainer/user: passwd "name:x:uid:gid:gecos:home:shell",
 * group "name:x:gid:member,member". */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>

#include "base/cleanup.h"
#include "base/io.h"
#include "base/parse.h"
#include "base/strbuf.h"
#include "base/xalloc.h"
#include "podengine/user.h"

#include "base/banned.h"

#define ID_MAX 0x7fffffff
#define DB_MAX (16 << 20)

/* Read /etc/<name> of the rootfs without following any symlink.  Returns 1
 * when read, 0 when it does not exist, -1 with *err. */
static int read_etc(int rootfd, const char *name, struct strbuf *sb, struct pea_err **err)
{
	cleanup_close int etc = openat(rootfd, "etc", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	cleanup_close int fd = -1;
	struct stat st;

	if (etc < 0 && errno == ENOENT)
		return 0;
	if (etc < 0)
		return pea_err_set(err, errno == ENOTDIR ? ELOOP : errno,
				   "open '/etc' in the container's rootfs");
	fd = openat(etc, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0)
		return pea_err_set(err, errno, "open '/etc/%s' in the container's rootfs", name);
	if (fstat(fd, &st) < 0)
		return pea_err_set(err, errno, "stat '/etc/%s'", name);
	if (!S_ISREG(st.st_mode) || st.st_size > DB_MAX)
		return pea_err_set(err, EINVAL, "'/etc/%s' in the container's rootfs is not a "
				   "regular file of sane size", name);
	if (io_read_fd(fd, sb, err) < 0)
		return pea_err_wrap(err, "read '/etc/%s'", name);
	return 1;
}

static bool is_number(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* Split a line into at most max fields at ':'; returns the count.  The
 * line is modified in place. */
static size_t split_fields(char *line, char **f, size_t max)
{
	size_t n = 0;

	while (n < max) {
		char *c = strchr(line, ':');

		f[n++] = line;
		if (!c)
			break;
		*c = '\0';
		line = c + 1;
	}
	return n;
}

/* Iterate the lines of a database: calls fn(fields, n, data) for each
 * non-comment line until fn returns non-zero (which is returned). */
typedef int (*db_fn)(char **f, size_t n, void *data);
static int db_each(const char *text, size_t nfields, db_fn fn, void *data)
{
	cleanup_free char *copy = xstrdup(text);
	char *line = copy, *next;
	char *f[8];

	for (; line && *line; line = next) {
		size_t n;
		int r;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		while (*line == ' ' || *line == '\t')
			line++;
		if (!*line || *line == '#')
			continue;
		n = split_fields(line, f, nfields);
		r = fn(f, n, data);
		if (r)
			return r;
	}
	return 0;
}

struct pw_query {
	const char *name;        /* match by name, or */
	long id;                 /* by uid when name == NULL */
	uid_t uid;
	gid_t gid;
	char *home;
	char *pw_name;
};

static int pw_match(char **f, size_t n, void *data)
{
	struct pw_query *q = data;
	int uid, gid;

	if (n < 4 || parse_int(f[2], 0, ID_MAX, &uid, "uid", NULL) < 0 ||
	    parse_int(f[3], 0, ID_MAX, &gid, "gid", NULL) < 0)
		return 0;
	if (q->name ? strcmp(f[0], q->name) : uid != q->id)
		return 0;
	q->uid = (uid_t)uid;
	q->gid = (gid_t)gid;
	q->home = xstrdup(n >= 6 && *f[5] ? f[5] : "/");
	q->pw_name = xstrdup(f[0]);
	return 1;
}

struct gr_query {
	const char *name;        /* group by name (lookup) */
	long gid;                /* found gid */
	const char *member;      /* or: collect gids of groups listing member */
	gid_t *gids;
	size_t n, alloc;
};

static bool list_has(char *list, const char *name)
{
	for (char *p = list; p && *p;) {
		char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);

		if (len == strlen(name) && !strncmp(p, name, len))
			return true;
		p = c ? c + 1 : NULL;
	}
	return false;
}

static int gr_match(char **f, size_t n, void *data)
{
	struct gr_query *q = data;
	int gid;

	if (n < 3 || parse_int(f[2], 0, ID_MAX, &gid, "gid", NULL) < 0)
		return 0;
	if (q->name) {
		if (strcmp(f[0], q->name))
			return 0;
		q->gid = gid;
		return 1;
	}
	if (n >= 4 && list_has(f[3], q->member)) {
		ALLOC_GROW(q->gids, q->n + 1, q->alloc);
		q->gids[q->n++] = (gid_t)gid;
	}
	return 0;
}

static int parse_id(const char *s, long *out, struct pea_err **err)
{
	int v;

	if (parse_int(s, 0, ID_MAX, &v, "id", err) < 0)
		return -1;
	*out = v;
	return 0;
}

/* A group name or number -> gid. */
/* podman: the container's process cannot be started as asked: 126. */
static int cannot_invoke(struct pea_err **err)
{
	if (err && *err)
		(*err)->exit_status = PEA_EXIT_CANNOT_INVOKE;
	return -1;
}

static int lookup_group(const char *group_db, const char *group, gid_t *out,
			struct pea_err **err)
{
	struct gr_query q = { .name = group, .gid = -1 };

	if (is_number(group)) {
		if (parse_id(group, &q.gid, err) < 0)
			return -1;
	} else if (!group_db || !db_each(group_db, 4, gr_match, &q)) {
		pea_err_setk(err, PEA_E_NOT_FOUND, 0,
			     "unable to find group %s: no matching entries in group file", group);
		return cannot_invoke(err);
	}
	*out = (gid_t)q.gid;
	return 0;
}

static void add_gid(struct user_ids *u, size_t *alloc, gid_t gid)
{
	for (size_t i = 0; i < u->n_groups; i++)
		if (u->groups[i] == gid)
			return;
	ALLOC_GROW(u->groups, u->n_groups + 1, *alloc);
	u->groups[u->n_groups++] = gid;
}

/* The user part: fills uid, gid, home; *pw_name gets the passwd name (or NULL). */
static int resolve_user_part(const char *passwd_db, const char *user, struct user_ids *out,
			     char **pw_name, struct pea_err **err)
{
	struct pw_query q = { .name = is_number(user) ? NULL : user };

	if (!q.name && parse_id(user, &q.id, err) < 0)
		return -1;
	if (passwd_db && db_each(passwd_db, 7, pw_match, &q)) {
		out->uid = q.uid;
		out->gid = q.gid;
		out->home = q.home;
		*pw_name = q.pw_name;
		return 0;
	}
	if (q.name) {
		pea_err_setk(err, PEA_E_NOT_FOUND, 0,
			     "unable to find user %s: no matching entries in passwd file", user);
		return cannot_invoke(err);
	}
	out->uid = (uid_t)q.id;
	out->gid = 0;
	out->home = xstrdup("/");
	return 0;
}

int user_resolve(int rootfd, const char *user, char *const *groups, struct user_ids *out,
		 struct pea_err **err)
{
	cleanup_strbuf struct strbuf passwd = STRBUF_INIT;
	cleanup_strbuf struct strbuf group = STRBUF_INIT;
	cleanup_free char *user_part = xstrdup(user && *user ? user : "0");
	cleanup_free char *pw_name = NULL;
	char *group_part = strchr(user_part, ':');
	int have_pw, have_gr;
	size_t alloc = 0;

	memset(out, 0, sizeof(*out));
	if (group_part)
		*group_part++ = '\0';
	have_pw = read_etc(rootfd, "passwd", &passwd, err);
	if (have_pw < 0)
		return -1;
	have_gr = read_etc(rootfd, "group", &group, err);
	if (have_gr < 0)
		return -1;
	if (!*user_part || (group_part && !*group_part))
		return pea_err_setk(err, PEA_E_INVALID, 0, "invalid user '%s'", user);
	if (resolve_user_part(have_pw ? passwd.buf : NULL, user_part, out, &pw_name, err) < 0)
		return -1;
	if (group_part && lookup_group(have_gr ? group.buf : NULL, group_part, &out->gid, err) < 0)
		goto fail;
	if (!group_part && pw_name && have_gr) {
		struct gr_query q = { .member = pw_name };

		db_each(group.buf, 4, gr_match, &q);
		for (size_t i = 0; i < q.n; i++)
			add_gid(out, &alloc, q.gids[i]);
		free(q.gids);
	}
	for (; groups && *groups; groups++) {
		gid_t g;

		if (lookup_group(have_gr ? group.buf : NULL, *groups, &g, err) < 0)
			goto fail;
		add_gid(out, &alloc, g);
	}
	return 0;
fail:
	user_ids_release(out);
	return -1;
}

int user_resolve_path(const char *rootfs, const char *user, char *const *groups,
		      struct user_ids *out, struct pea_err **err)
{
	cleanup_close int fd = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return pea_err_set(err, errno, "open rootfs '%s'", rootfs);
	return user_resolve(fd, user, groups, out, err);
}

void user_ids_release(struct user_ids *u)
{
	free(u->groups);
	free(u->home);
	memset(u, 0, sizeof(*u));
}

int user_check_non_root(const char *spec_user, const char *image_user, uid_t uid,
			struct pea_err **err)
{
	const char *u = spec_user && *spec_user ? spec_user : image_user;
	cleanup_free char *name = xstrndup(u ? u : "", strcspn(u ? u : "", ":"));

	if (spec_user && *spec_user && is_number(name))
		return uid == 0 ? pea_err_setk(err, PEA_E_INVALID, 0, "container's runAsUser "
					       "breaks non-root policy") : 0;
	if (*name && !is_number(name))
		return pea_err_setk(err, PEA_E_INVALID, 0, "container has runAsNonRoot and image "
				    "has non-numeric user (%s), cannot verify user is non-root",
				    name);
	if (uid == 0)
		return pea_err_setk(err, PEA_E_INVALID, 0, "container has runAsNonRoot and image "
				    "will run as root");
	return 0;
}
