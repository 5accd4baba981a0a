/* kioskctl verbs written in this folder besides check and keygen. */
#ifndef CTL_CTL_H
#define CTL_CTL_H

int ctl_device(int argc, char **argv);
int ctl_demo(int argc, char **argv);
int ctl_sign(int argc, char **argv);
int ctl_reload(int argc, char **argv);
int ctl_preview(int argc, char **argv);

#endif
