/*
 * The CLI subcommands. Each takes argc/argv starting at its own name, handles
 * its own --help, and returns an exit code: 0 ok, 1 a negative answer (e.g.
 * verification failed), 2 bad usage or input. Only these functions and main()
 * exit the process.
 */
#ifndef YZ_CLI_COMMANDS_H
#define YZ_CLI_COMMANDS_H

enum { YZ_EXIT_OK = 0, YZ_EXIT_NO = 1, YZ_EXIT_USAGE = 2 };

int yz_cmd_serve(int argc, char **argv);
int yz_cmd_init(int argc, char **argv);
int yz_cmd_user(int argc, char **argv);
int yz_cmd_audit(int argc, char **argv);
int yz_cmd_workflow(int argc, char **argv);
int yz_cmd_deadline(int argc, char **argv);
int yz_cmd_backup(int argc, char **argv);
int yz_cmd_restore(int argc, char **argv);
int yz_cmd_fee(int argc, char **argv);
int yz_cmd_check(int argc, char **argv);
int yz_cmd_assign(int argc, char **argv);
int yz_cmd_template(int argc, char **argv);
int yz_cmd_triage(int argc, char **argv);
int yz_cmd_rollup(int argc, char **argv);
int yz_cmd_generate(int argc, char **argv);

#endif
