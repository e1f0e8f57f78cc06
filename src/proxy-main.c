/*
 * model-router-proxy: the routing proxy alone, as `model-router proxy run`
 * (which runs this program when it sits beside model-router).
 */
#include "mr/cli.h"

int
main(int argc, char **argv)
{
	return mr_cli_proxy_main(argc, argv);
}
