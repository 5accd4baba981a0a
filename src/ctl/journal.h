/* kioskctl journal: checks the kiosk's electronic journal (docs/journal.md). */
#ifndef CTL_JOURNAL_H
#define CTL_JOURNAL_H

int ctl_journal(int argc, char **argv);

#endif
