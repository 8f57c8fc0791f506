-- seed.sql: invented lookup rows for tests and the demo, used with production_subset.sql when ../shared is absent.
-- Holds the same rows as ../shared/reference/seed_minimal.sql, so tests see the same ids either way.
-- Idempotent (ON CONFLICT DO NOTHING); explicit ids, sequences moved past them at the end.
BEGIN;

INSERT INTO public.locations (location_id, street_address, suburb, town, province, postal_code, longitude, latitude)
VALUES (1, '1 Test Street', 'Testville Central', 'Testville', 'Gauteng', '0001', 28.000000, -26.000000),
       (2, '2 Sample Road', 'Sampleton North', 'Sampleton', 'Western Cape', '8001', 18.400000, -33.900000),
       (3, '3 Example Avenue', 'Exampleburg East', 'Exampleburg', 'KwaZulu-Natal', '4001', 31.000000, -29.800000)
ON CONFLICT (location_id) DO NOTHING;

INSERT INTO public.learner_qualifications (id, qualification)
VALUES (1, 'Grade 9'), (2, 'Grade 12'), (3, 'NQF Level 4 Certificate')
ON CONFLICT (id) DO NOTHING;

-- placement_level_id has no default; numeracy levels start with N, communication levels with C.
INSERT INTO public.learner_placement_level (placement_level_id, level, level_desc)
VALUES (1, 'NL1', 'Numeracy level 1 (test)'), (2, 'NL2', 'Numeracy level 2 (test)'),
       (3, 'CL1', 'Communication level 1 (test)'), (4, 'CL2', 'Communication level 2 (test)')
ON CONFLICT (placement_level_id) DO NOTHING;

INSERT INTO public.employers (employer_id, employer_name)
VALUES (1, 'Test Employer One (Pty) Ltd'), (2, 'Test Employer Two CC')
ON CONFLICT (employer_id) DO NOTHING;

-- learning programmes; product_duration is in hours
INSERT INTO public.products (product_id, product_name, product_duration, learning_area, learning_area_duration, parent_product_id)
VALUES (1, 'Test Communication L1', 120, 'Communication', 120, NULL),
       (2, 'Test Numeracy L1', 120, 'Numeracy', 120, NULL),
       (3, 'Test Communication L2', 160, 'Communication', 160, 1)
ON CONFLICT (product_id) DO NOTHING;

INSERT INTO public.clients (client_id, client_name, client_status, seta)
VALUES (1, 'Test Client Alpha', 'Active Client', 'ETDP'), (2, 'Test Client Beta', 'Active Client', 'MERSETA')
ON CONFLICT (client_id) DO NOTHING;

-- site 2 is a sub-site of 1 (the trigger wants the same client as the parent)
INSERT INTO public.sites (site_id, client_id, site_name, parent_site_id, place_id)
VALUES (1, 1, 'Alpha Head Office', NULL, 1), (2, 1, 'Alpha Training Room', 1, 1), (3, 2, 'Beta Main Site', NULL, 2)
ON CONFLICT (site_id) DO NOTHING;

-- the class form offers supervisors 1..5 and agents 1..15
INSERT INTO public.users (user_id, first_name, surname, email, role, password_hash)
SELECT n, 'Supervisor', 'Test' || n, 'supervisor' || n || '@example.test', 'Project Supervisor', 'not-a-real-hash'
FROM generate_series(1, 5) AS n
ON CONFLICT (user_id) DO NOTHING;

INSERT INTO public.agents (agent_id, first_name, surname, email_address, status)
SELECT n, 'Agent', 'Test' || n, 'agent' || n || '@example.test', 'active'
FROM generate_series(1, 15) AS n
ON CONFLICT (agent_id) DO NOTHING;

INSERT INTO public.class_types (class_type_id, class_type_code, class_type_name, subject_selection_mode, progression_total_hours, display_order)
VALUES (1, 'AET', 'AET Communication & Numeracy (test)', 'own', NULL, 1),
       (2, 'SOFT', 'Soft Skills package (test)', 'all_subjects', NULL, 2),
       (3, 'GETC', 'GETC AET (test)', 'progression', 564, 3),
       (4, 'BA2', 'Business Admin NQF 2 (test)', 'progression', 520, 4)
ON CONFLICT (class_type_id) DO NOTHING;

INSERT INTO public.class_type_subjects (class_type_subject_id, class_type_id, subject_code, subject_name, subject_duration, display_order)
VALUES (1, 1, 'COMM', 'Communication (test)', 120, 1), (2, 1, 'NUM', 'Numeracy (test)', 120, 2),
       (3, 2, 'IPC', 'Interpersonal Communication (test)', 16, 1), (4, 2, 'TM', 'Time Management (test)', 16, 2)
ON CONFLICT (class_type_subject_id) DO NOTHING;

DO $$
DECLARE t record;
BEGIN
  FOR t IN SELECT * FROM (VALUES ('public.locations', 'location_id'), ('public.learner_qualifications', 'id'),
      ('public.employers', 'employer_id'), ('public.products', 'product_id'), ('public.clients', 'client_id'),
      ('public.sites', 'site_id'), ('public.users', 'user_id'), ('public.agents', 'agent_id'),
      ('public.class_types', 'class_type_id'), ('public.class_type_subjects', 'class_type_subject_id')) AS v(tbl, col)
  LOOP
    EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, %L), (SELECT max(%I) FROM %s))', t.tbl, t.col, t.col, t.tbl);
  END LOOP;
END $$;

COMMIT;
