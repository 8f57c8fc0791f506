"""A real subdirectory multisite WordPress: the single site of devstack/wordpress.py turned into a network
(install_network, populate_network, the MULTISITE constants), with one sub-site and its own administrator."""
import json
import os
import re
from pathlib import Path

from devstack.ports import wait_for_http
from devstack.processes import spawn
from devstack.wordpress import WordPressSite

ROUTER = Path(__file__).resolve().parent / "php" / "multisite_router.php"
SUB_PATH = "/sub/"
SUB_ADMIN = ("subadmin", "wecoza-subadmin-pass")

MAKE_NETWORK = """
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
global $wpdb;
foreach ($wpdb->tables('ms_global') as $table => $prefixed) { $wpdb->$table = $prefixed; }  // as wp-admin/network.php
install_network();
$result = populate_network(1, $args[0], 'admin@example.test', 'WeCoza network', '/', false);
if (is_wp_error($result)) { fwrite(STDERR, $result->get_error_message() . "\\n"); exit(1); }
"""

MAKE_SUB_SITE = """
[$domain, $path, $login, $password] = $args;
update_site_option('site_admins', ['admin']);
$blog = wpmu_create_blog($domain, $path, 'Sub site', get_user_by('login', 'admin')->ID);
if (is_wp_error($blog)) { fwrite(STDERR, $blog->get_error_message() . "\\n"); exit(1); }
// WordPress's site functions drop the colon of the port from the domain: put the real address back.
global $wpdb;
$wpdb->update($wpdb->blogs, ['domain' => $domain], ['blog_id' => $blog]);
clean_blog_cache($blog);
update_blog_option($blog, 'home', "http://$domain" . untrailingslashit($path));
update_blog_option($blog, 'siteurl', "http://$domain" . untrailingslashit($path));
$user = wpmu_create_user($login, $password, "$login@example.test");
if (!$user) { fwrite(STDERR, "cannot create $login\\n"); exit(1); }
add_user_to_blog($blog, $user, 'administrator');
echo json_encode(['blog_id' => $blog, 'user_id' => $user]);
"""


class MultisiteSite(WordPressSite):
    def build(self):
        super().build()
        host = f"{self.host}:{self.port}"
        self.php(MAKE_NETWORK, host)
        self.wp_config_path.write_text(self._network_wp_config(host))
        created = json.loads(self.php(MAKE_SUB_SITE, host, SUB_PATH, *SUB_ADMIN))
        self.sub_blog_id = created["blog_id"]
        self.sub_url = self.url + SUB_PATH.rstrip("/")
        self.users[SUB_ADMIN[0]] = SUB_ADMIN[1]
        return self

    def _network_wp_config(self, host):
        text = self.wp_config_path.read_text()
        # WP_HOME and WP_SITEURL would give every site of the network the main site's address.
        text = re.sub(r"define\( 'WP_(HOME|SITEURL)', '[^']*' \);\n", "", text)
        network = "".join(f"define( '{name}', {value} );\n" for name, value in (
            ("WP_ALLOW_MULTISITE", "true"), ("MULTISITE", "true"), ("SUBDOMAIN_INSTALL", "false"),
            ("DOMAIN_CURRENT_SITE", f"'{host}'"), ("PATH_CURRENT_SITE", "'/'"),
            ("SITE_ID_CURRENT_SITE", "1"), ("BLOG_ID_CURRENT_SITE", "1")))
        return text.replace("$table_prefix", network + "$table_prefix", 1)

    def start(self):
        env = {**os.environ, "PHP_CLI_SERVER_WORKERS": "4"}
        cmd = ["php", "-S", f"{self.host}:{self.port}", "-t", str(self.path), str(ROUTER)]
        self.proc = spawn(cmd, self.server_log_path, env=env, cwd=self.path)
        wait_for_http(f"{self.url}/wp-login.php", "php -S serving the multisite WordPress", proc=self.proc,
                      log_path=self.server_log_path)
        return self

    def on_sub_site(self, code, *args):
        """Run PHP code (no leading <?php) switched to the sub-site; returns what it prints."""
        return self.php(f"switch_to_blog({int(self.sub_blog_id)});\n{code}\nrestore_current_blog();", *args)
