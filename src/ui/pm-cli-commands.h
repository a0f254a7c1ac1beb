/* pm-cli-commands.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pm-region.h"

G_BEGIN_DECLS

/* What the user typed about their own cloud network. Every field may be NULL
 * or empty: the command then shows a placeholder such as <VPC_ID>. Borrowed
 * strings; the caller keeps them alive while generating. */
typedef struct {
  /* AWS */
  const char *vpc_id;
  const char *subnet_ids;          /* space or comma separated */
  const char *security_group_id;
  const char *hosted_zone_id;      /* Route 53 zone id, known after creating it */
  const char *endpoint_dns_name;   /* the VPC endpoint's DNS name, for the CNAME */
  /* Azure */
  const char *resource_group;
  const char *vnet;
  const char *subnet;
  const char *location;            /* the VNet's region; the Elastic region when empty */
  /* GCP */
  const char *project;
  const char *network;
  const char *address_name;
  /* Azure and GCP */
  const char *endpoint_name;
  const char *endpoint_ip;         /* for the `*` A record */
} PmCliParams;

typedef struct {
  char *title;     /* what the command does, translated */
  char *command;   /* one copyable command */
} PmCliCommand;

void        pm_cli_command_free        (PmCliCommand *command);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PmCliCommand, pm_cli_command_free)

/* The cloud CLI commands that create the endpoint and its DNS for a region
 * (values from the catalog only). A GPtrArray of PmCliCommand, in order. */
GPtrArray  *pm_cli_commands_generate   (PmRegion          *region,
                                        const PmCliParams *params);
/* All commands as one text: "# title\ncommand\n\n" each. */
char       *pm_cli_commands_to_text    (GPtrArray         *commands);

/* Quote a value for a POSIX shell only where it needs it. */
char       *pm_cli_quote               (const char        *value);

/* The private host to test: "{alias}.{product}.<zone>", or "<id>.<zone>"
 * when the resource has no alias. */
char       *pm_cli_test_host           (PmRegion          *region,
                                        const char        *alias,
                                        const char        *resource_id,
                                        const char        *product);
/* The port to test: Hosted Azure/GCP 9243, Hosted AWS and Serverless 443. */
guint       pm_cli_test_port           (PmRegion          *region);
/* `curl -v https://host[:port] -u <USERNAME>` (never a password). */
char       *pm_cli_curl_command        (const char        *host,
                                        guint              port);

/* The provider's documentation for creating the endpoint. */
const char *pm_cli_provider_docs_url   (PmProvider         provider);

G_END_DECLS
