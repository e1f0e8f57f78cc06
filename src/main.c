/* model-router: set up, check and run local model routing for AI agents. */
#include "mr/cli.h"

int
main(int argc, char **argv)
{
	return mr_cli_main(argc, argv);
}
