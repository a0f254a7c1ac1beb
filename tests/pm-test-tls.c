/* pm-test-tls.c: a throw-away CA and server certificate, TLS checks in a child
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "pm-test-tls.h"

static void
openssl (const char          *dir,
         const char * const  *argv)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                                                       | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  g_subprocess_launcher_set_cwd (launcher, dir);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (process))
    g_error ("openssl %s failed: %s", argv[1], err);
}

void
pm_test_pki_add_server (PmTestPki  *pki,
                        const char *name,
                        const char *san)
{
  g_autofree char *key = g_strconcat (name, ".key", NULL);
  g_autofree char *csr = g_strconcat (name, ".csr", NULL);
  g_autofree char *pem = g_strconcat (name, ".pem", NULL);
  g_autofree char *ext = g_strconcat (name, ".ext", NULL);
  g_autofree char *ext_path = g_build_filename (pki->dir, ext, NULL);
  /* The key identifiers too: a strict verifier (Python 3.13's ssl,
   * OpenSSL's -x509_strict) refuses a certificate without them. */
  g_autofree char *ext_text = g_strdup_printf ("subjectAltName=%s\n"
                                               "authorityKeyIdentifier=keyid,issuer\n"
                                               "subjectKeyIdentifier=hash\n", san);
  g_autoptr(GError) error = NULL;
  const char * const request[] = { "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                                   "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=perimeter test server", NULL };
  const char * const sign[] = { "openssl", "x509", "-req", "-in", csr, "-CA", "ca.pem", "-CAkey", "ca.key",
                                "-CAcreateserial", "-out", pem, "-days", "2", "-extfile", ext, NULL };

  g_file_set_contents (ext_path, ext_text, -1, &error);
  g_assert_no_error (error);
  openssl (pki->dir, request);
  openssl (pki->dir, sign);
}

PmTestPki *
pm_test_pki_new (void)
{
  g_autofree char *program = g_find_program_in_path ("openssl");
  g_autoptr(GError) error = NULL;
  PmTestPki *pki;
  const char * const ca[] = { "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                              "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                              "-subj", "/CN=Perimeter Test CA",
                              /* A strict verifier wants a CA's key usage said */
                              "-addext", "keyUsage=critical,keyCertSign,cRLSign", NULL };

  if (program == NULL)
    return NULL;
  pki = g_new0 (PmTestPki, 1);
  pki->dir = g_dir_make_tmp ("pm-test-pki-XXXXXX", &error);
  g_assert_no_error (error);
  openssl (pki->dir, ca);
  pm_test_pki_add_server (pki, "server", "IP:127.0.0.1");
  pki->ca = g_build_filename (pki->dir, "ca.pem", NULL);
  pki->cert = g_build_filename (pki->dir, "server.pem", NULL);
  pki->key = g_build_filename (pki->dir, "server.key", NULL);
  return pki;
}

void
pm_test_pki_free (PmTestPki *pki)
{
  g_autoptr(GDir) dir = g_dir_open (pki->dir, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (pki->dir, name, NULL);

      g_remove (path);
    }
  g_rmdir (pki->dir);
  g_free (pki->dir);
  g_free (pki->ca);
  g_free (pki->cert);
  g_free (pki->key);
  g_free (pki);
}

GTlsCertificate *
pm_test_pki_dup_certificate (PmTestPki *pki)
{
  g_autoptr(GError) error = NULL;
  GTlsCertificate *certificate = g_tls_certificate_new_from_files (pki->cert, pki->key, &error);

  g_assert_no_error (error);
  return certificate;
}

void
pm_test_run_without_leak_check (void (*checks) (void))
{
  g_autofree char *options = g_strdup (g_getenv ("ASAN_OPTIONS"));
  g_autofree char *asan = g_strconcat (options ? options : "", ":detect_leaks=0", NULL);

  if (g_test_subprocess ())
    {
      checks ();
      return;
    }
  g_setenv ("ASAN_OPTIONS", asan, TRUE);
  g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
  if (options)
    g_setenv ("ASAN_OPTIONS", options, TRUE);
  else
    g_unsetenv ("ASAN_OPTIONS");
  g_test_trap_assert_passed ();
}
