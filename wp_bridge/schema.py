"""The WordPress tables wp_bridge reads, with WordPress's own column definitions
(``wp_get_db_schema()``), for test and benchmark databases."""
from __future__ import annotations

from .tables import quote

CHARSET = "DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci"
_TABLES = {
    "users": """
        ID bigint(20) unsigned NOT NULL auto_increment,
        user_login varchar(60) NOT NULL default '',
        user_pass varchar(255) NOT NULL default '',
        user_nicename varchar(50) NOT NULL default '',
        user_email varchar(100) NOT NULL default '',
        user_url varchar(100) NOT NULL default '',
        user_registered datetime NOT NULL default '0000-00-00 00:00:00',
        user_activation_key varchar(255) NOT NULL default '',
        user_status int(11) NOT NULL default '0',
        display_name varchar(250) NOT NULL default '',
        PRIMARY KEY (ID),
        KEY user_login_key (user_login),
        KEY user_nicename (user_nicename),
        KEY user_email (user_email)""",
    "usermeta": """
        umeta_id bigint(20) unsigned NOT NULL auto_increment,
        user_id bigint(20) unsigned NOT NULL default '0',
        meta_key varchar(255) default NULL,
        meta_value longtext,
        PRIMARY KEY (umeta_id),
        KEY user_id (user_id),
        KEY meta_key (meta_key(191))""",
    "options": """
        option_id bigint(20) unsigned NOT NULL auto_increment,
        option_name varchar(191) NOT NULL default '',
        option_value longtext NOT NULL,
        autoload varchar(20) NOT NULL default 'yes',
        PRIMARY KEY (option_id),
        UNIQUE KEY option_name (option_name),
        KEY autoload (autoload)""",
    "sitemeta": """
        meta_id bigint(20) unsigned NOT NULL auto_increment,
        site_id bigint(20) unsigned NOT NULL default '0',
        meta_key varchar(255) default NULL,
        meta_value longtext,
        PRIMARY KEY (meta_id),
        KEY meta_key (meta_key(191)),
        KEY site_id (site_id)""",
}


def create_table_statements(prefix: str, tables=tuple(_TABLES)) -> list[str]:
    """``CREATE TABLE`` statements for ``{prefix}users`` etc.; ``options`` may be a blog's."""
    return [f"CREATE TABLE {quote(prefix + name)} ({_TABLES[name]}\n) {CHARSET}" for name in tables]
