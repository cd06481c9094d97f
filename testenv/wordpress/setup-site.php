<?php
/*
 * Installs the site with WordPress's own installer (no browser, no download)
 * and makes sure admin has an Application Password. Run by up.sh:
 *
 *   php setup-site.php DIR CONFIG_NAME HOST ADMIN_USER ADMIN_PASSWORD
 *
 * Writes DIR/app-password (24 characters, no spaces) when it does not hold a
 * password that is still valid for the user.
 */
if (PHP_SAPI !== 'cli') { exit(1); }
list(, $dir, $config_name, $host, $admin_user, $admin_password) = $argv + array_fill(0, 6, null);
if (!$admin_password) {
    fwrite(STDERR, "usage: php setup-site.php DIR CONFIG_NAME HOST ADMIN_USER ADMIN_PASSWORD\n");
    exit(2);
}

// What Debian's wp-config.php and WordPress look at when run from a web server.
$_SERVER['WORDPRESS_CONFIG'] = $config_name;
$_SERVER['HTTP_HOST'] = $host;
$_SERVER['SERVER_NAME'] = preg_replace('/:.*/', '', $host);
$_SERVER['SERVER_PORT'] = preg_replace('/^[^:]*:?/', '', $host) ?: '80';
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['REQUEST_METHOD'] = 'GET';
$_SERVER['SCRIPT_NAME'] = '/wp-admin/install.php';
$_SERVER['PHP_SELF'] = '/wp-admin/install.php';

define('WP_INSTALLING', true);
// No "new site" e-mail (there is no sendmail here); wp_new_blog_notification() is pluggable.
function wp_new_blog_notification() {}
require '/usr/share/wordpress/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/user.php';

// No HTTP requests at all during setup (wp_install probes pretty permalinks over HTTP).
add_filter('pre_http_request', function () { return new WP_Error('why401_no_http', 'no HTTP during setup'); });

function out($msg) { fwrite(STDOUT, "setup-site.php: $msg\n"); }

if (!is_blog_installed()) {
    $r = wp_install('why401 test site', $admin_user, 'admin@example.invalid', false, '', $admin_password);
    if (is_wp_error($r) || empty($r['user_id'])) {
        fwrite(STDERR, "wp_install failed: " . (is_wp_error($r) ? $r->get_error_message() : var_export($r, true)) . "\n");
        exit(1);
    }
    out("installed WordPress " . $GLOBALS['wp_version'] . " (admin user id " . $r['user_id'] . ")");
} else {
    out("already installed (WordPress " . $GLOBALS['wp_version'] . ")");
}

// Pretty permalinks, so /wp-json/ works (the vhosts carry the rewrite rules; nothing writes .htaccess).
if (get_option('permalink_structure') !== '/%postname%/') {
    global $wp_rewrite;
    $wp_rewrite->set_permalink_structure('/%postname%/');
    flush_rewrite_rules(false);
    out("permalink structure /%postname%/");
}

$user = get_user_by('login', $admin_user);
if (!$user) { fwrite(STDERR, "user $admin_user not found\n"); exit(1); }
// Keep the login password the known one (also on a re-run).
if (!wp_check_password($admin_password, $user->user_pass, $user->ID)) {
    wp_set_password($admin_password, $user->ID);
    out("reset the login password of $admin_user");
}

if (!wp_is_application_passwords_available_for_user($user)) {
    fwrite(STDERR, "Application Passwords are not available (environment type: " . wp_get_environment_type() . ", is_ssl: " . var_export(is_ssl(), true) . ")\n");
    exit(1);
}

$file = rtrim($dir, '/') . '/app-password';
$existing = is_readable($file) ? trim(file_get_contents($file)) : '';
if ($existing !== '') {
    foreach (WP_Application_Passwords::get_user_application_passwords($user->ID) as $item) {
        if (wp_check_password($existing, $item['password'], $user->ID)) {
            out("Application Password in $file is still valid (uuid " . $item['uuid'] . ")");
            exit(0);
        }
    }
}
$created = WP_Application_Passwords::create_new_application_password($user->ID, array('name' => 'why401-testenv'));
if (is_wp_error($created)) {
    fwrite(STDERR, "create_new_application_password: " . $created->get_error_message() . "\n");
    exit(1);
}
list($password, $item) = $created;
file_put_contents($file, $password . "\n");
chmod($file, 0600);
out("created Application Password '" . $item['name'] . "' (uuid " . $item['uuid'] . ") -> $file");
