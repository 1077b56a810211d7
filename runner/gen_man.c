/* Build-time tool: write the man page procsim.1 from the help table (help.c), so the
 * page and `procsim COMMAND --help` never disagree. Usage: gen_man VERSION > procsim.1.
 * No date in the page: the same sources give the same bytes. */
#include <stdio.h>
#include <string.h>

#include "help_int.h"

/* Text for roff: backslashes and hyphens escaped, a leading '.' or '\'' made literal. */
static void roff(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i == 0 && (s[i] == '.' || s[i] == '\''))
            fputs("\\&", stdout);
        if (s[i] == '\\')
            fputs("\\e", stdout);
        else if (s[i] == '-')
            fputs("\\-", stdout);
        else
            putchar(s[i]);
    }
}

/* One line of a body: an option ("  -x ARG   text"), a continuation (deeper indent) or
 * a paragraph line. */
static void body_line(const char *s, size_t n, int *in_option)
{
    if (n > 3 && s[0] == ' ' && s[1] == ' ' && s[2] == '-') {
        size_t k = 2;
        while (k + 1 < n && !(s[k] == ' ' && s[k + 1] == ' '))
            k++;
        size_t t = k;
        while (t < n && s[t] == ' ')
            t++;
        fputs(".TP\n.B ", stdout);
        roff(s + 2, k - 2);
        putchar('\n');
        roff(s + t, n - t);
        putchar('\n');
        *in_option = 1;
        return;
    }
    if (n > 3 && s[0] == ' ' && s[1] == ' ' && s[2] == ' ' && *in_option) {
        size_t t = 0;
        while (t < n && s[t] == ' ')
            t++;
        roff(s + t, n - t);
        putchar('\n');
        return;
    }
    if (*in_option)
        fputs(".PP\n", stdout);
    *in_option = 0;
    if (n == 0)
        fputs(".PP\n", stdout);
    else {
        roff(s, n);
        putchar('\n');
    }
}

static void lines(const char *text, int *in_option)
{
    while (*text) {
        const char *nl = strchr(text, '\n');
        size_t n = nl ? (size_t)(nl - text) : strlen(text);
        body_line(text, n, in_option);
        text += n + (nl != NULL);
    }
}

int main(int argc, char **argv)
{
    const char *version = argc > 1 ? argv[1] : "unknown";
    printf(".TH PROCSIM 1 \"\" \"procsim %s\" \"User Commands\"\n", version);
    puts(".SH NAME\nprocsim \\- replications and parameter sweeps of discrete\\-event "
         "simulation models with SimPy's semantics");
    puts(".SH SYNOPSIS\n.B procsim\n.I COMMAND\n[\\fIARGS\\fR]");
    puts(".br\n.B procsim\n.I COMMAND\n\\-\\-help");
    puts(".SH COMMANDS");
    for (size_t i = 0; i < runneri_help_count(); i++) {
        const runneri_help *h = runneri_help_at(i);
        int in_option = 0;
        const char *s = h->synopsis;
        for (;;) { /* each synopsis line a heading of its own */
            const char *nl = strchr(s, '\n');
            size_t n = nl ? (size_t)(nl - s) : strlen(s);
            fputs(".SS \"procsim ", stdout);
            roff(s, n);
            fputs("\"\n", stdout);
            if (!nl)
                break;
            s = nl + 1;
        }
        roff(h->summary, strlen(h->summary));
        puts(".\n.PP");
        lines(h->body, &in_option);
    }
    puts(".SH NOTES");
    int in_option = 0;
    const char *exit_at = strstr(runneri_help_trailer, "exit status:");
    size_t head = exit_at ? (size_t)(exit_at - runneri_help_trailer) : 0;
    char notes[1024];
    snprintf(notes, sizeof notes, "%.*s", (int)head, runneri_help_trailer);
    lines(notes, &in_option);
    puts(".SH \"EXIT STATUS\"");
    lines(exit_at ? exit_at + strlen("exit status: ") : runneri_help_trailer, &in_option);
    puts(".SH \"SEE ALSO\"\n.BR gnuplot (1)");
    return ferror(stdout) ? 1 : 0;
}
