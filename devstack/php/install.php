<?php
// php install.php SITE_DIR URL USERS_JSON
// Installs WordPress into the empty database of SITE_DIR/wp-config.php without a browser. USERS_JSON is a list of
// {"login", "password", "email", "role"}; the first one becomes the administrator created by wp_install().
// Prints {"login": user_id, ...}.
[, $site, $url, $users_json] = $argv;
require __DIR__ . '/bootstrap.php';

define('WP_INSTALLING', true);
function wp_new_blog_notification() {}  // pluggable: no mail from a test install

wecoza_cli_load($site, $url);
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

if (is_blog_installed()) {
    fwrite(STDERR, "WordPress is already installed in this database\n");
    exit(1);
}
$users = json_decode($users_json, true, 512, JSON_THROW_ON_ERROR);
$admin = array_shift($users);
$result = wp_install('WeCoza test site', $admin['login'], $admin['email'], false, '', $admin['password']);
$ids = [$admin['login'] => (int) $result['user_id']];
foreach ($users as $user) {
    $id = wp_insert_user([
        'user_login' => $user['login'],
        'user_pass'  => $user['password'],
        'user_email' => $user['email'],
        'role'       => $user['role'],
    ]);
    if (is_wp_error($id)) {
        fwrite(STDERR, "cannot create user {$user['login']}: " . $id->get_error_message() . "\n");
        exit(1);
    }
    $ids[$user['login']] = $id;
}
echo json_encode($ids);
