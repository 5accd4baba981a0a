/* kioskctl check: reads kiosk.yaml, its layouts and voice files and reports every problem. */
#ifndef CTL_CHECK_H
#define CTL_CHECK_H

/* argv[0] is "check"; argv[1], when given, the kiosk.yaml to check (default ./kiosk.yaml).
 * Returns the exit status: 0 when all is well, 1 when problems were found, 2 on misuse. */
int ctl_check(int argc, char **argv);

#endif
