#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A throw-away certificate authority and a server certificate it signed
 * for IP:127.0.0.1 ("server"), made with openssl in a temporary folder. */
typedef struct {
  char *dir;
  char *ca;     /* the CA's certificate, PEM: what a client trusts */
  char *cert;   /* the server's certificate, PEM (dir/server.pem) */
  char *key;    /* its private key, PEM (dir/server.key) */
} PmTestPki;

/* NULL when openssl is not installed (skip the test then). */
PmTestPki       *pm_test_pki_new                (void);
void             pm_test_pki_free               (PmTestPki  *pki);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PmTestPki, pm_test_pki_free)
/* Another certificate the CA signs, dir/NAME.pem with dir/NAME.key, for
 * the subjectAltName san ("DNS:wrong.example"). */
void             pm_test_pki_add_server         (PmTestPki  *pki,
                                                 const char *name,
                                                 const char *san);
/* The server's certificate with its key. */
GTlsCertificate *pm_test_pki_dup_certificate    (PmTestPki  *pki);

/* Runs checks in a child process without leak detection, and asserts it
 * passed: LeakSanitizer's tracer crashes ("Tracer caught signal 11")
 * scanning the dynamic TLS of the threads glib-networking's GnuTLS backend
 * leaves, whatever the test does. The child still runs under ASan and
 * UBSan; what it prints on stdout and stderr is the test's. */
void             pm_test_run_without_leak_check (void (*checks) (void));

G_END_DECLS
