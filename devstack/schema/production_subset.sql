-- production_subset.sql: the production tables the sidecar uses, taken verbatim from
-- ../shared/reference/wecoza_db_schema_bu_jan_29.sql by devstack/schema/make_subset.py (do not edit by hand).
-- Load it as the role that owns the database; every object then belongs to that role.

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

-- COMMENT: SCHEMA public
COMMENT ON SCHEMA public IS '';

-- FUNCTION: fn_sites_same_client()
CREATE FUNCTION public.fn_sites_same_client() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE parent_client_id INT;
BEGIN
  IF NEW.parent_site_id IS NULL THEN
    RETURN NEW;
  END IF;

  SELECT client_id INTO parent_client_id
  FROM public.sites
  WHERE site_id = NEW.parent_site_id;

  IF parent_client_id IS NULL THEN
    RAISE EXCEPTION 'Parent site % does not exist', NEW.parent_site_id;
  END IF;

  IF NEW.client_id <> parent_client_id THEN
    RAISE EXCEPTION 'Child (client_id=%) must match parent (client_id=%)',
      NEW.client_id, parent_client_id;
  END IF;

  RETURN NEW;
END$$;

-- FUNCTION: log_class_change()
CREATE FUNCTION public.log_class_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    op TEXT := TG_OP;
    event_time TIMESTAMP WITHOUT TIME ZONE := NOW();
    new_data JSONB := to_jsonb(NEW);
    old_data JSONB := CASE WHEN TG_OP = 'UPDATE' THEN to_jsonb(OLD) ELSE NULL END;
    diff JSONB := '{}'::jsonb;
BEGIN
    IF op = 'UPDATE' THEN
        diff := (
            SELECT COALESCE(
                jsonb_object_agg(key, jsonb_build_object('old', old_data -> key, 'new', new_data -> key)),
                '{}'::jsonb
            )
            FROM (
                SELECT key FROM jsonb_object_keys(new_data) AS new_keys(key)
                UNION
                SELECT key FROM jsonb_object_keys(COALESCE(old_data, '{}'::jsonb)) AS old_keys(key)
            ) AS keys(key)
            WHERE (old_data -> key) IS DISTINCT FROM (new_data -> key)
        );
    ELSE
        diff := new_data;
    END IF;

    INSERT INTO public.class_change_logs (class_id, operation, changed_at, new_row, old_row, diff)
    VALUES (NEW.class_id, op, event_time, new_data, old_data, diff);

    PERFORM pg_notify(
        'class_change_channel',
        json_build_object(
            'operation', op,
            'class_id', NEW.class_id,
            'class_code', NEW.class_code,
            'class_subject', NEW.class_subject,
            'changed_at', event_time,
            'diff', diff
        )::text
    );

    RETURN NEW;
END;
$$;

-- FUNCTION: update_updated_at_column()
CREATE FUNCTION public.update_updated_at_column() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    NEW.updated_at = NOW();
    RETURN NEW;
END;
$$;

-- TABLE: agent_replacements
CREATE TABLE public.agent_replacements (
    replacement_id integer NOT NULL,
    class_id integer,
    original_agent_id integer,
    replacement_agent_id integer,
    start_date date,
    end_date date,
    reason text
);

-- COMMENT: TABLE agent_replacements
COMMENT ON TABLE public.agent_replacements IS 'Records instances of agent replacements in classes';

-- COMMENT: COLUMN agent_replacements.replacement_id
COMMENT ON COLUMN public.agent_replacements.replacement_id IS 'Unique internal replacement ID';

-- COMMENT: COLUMN agent_replacements.class_id
COMMENT ON COLUMN public.agent_replacements.class_id IS 'Reference to the class';

-- COMMENT: COLUMN agent_replacements.original_agent_id
COMMENT ON COLUMN public.agent_replacements.original_agent_id IS 'Reference to the original agent';

-- COMMENT: COLUMN agent_replacements.replacement_agent_id
COMMENT ON COLUMN public.agent_replacements.replacement_agent_id IS 'Reference to the replacement agent';

-- COMMENT: COLUMN agent_replacements.start_date
COMMENT ON COLUMN public.agent_replacements.start_date IS 'Date when the replacement starts';

-- COMMENT: COLUMN agent_replacements.end_date
COMMENT ON COLUMN public.agent_replacements.end_date IS 'Date when the replacement ends';

-- COMMENT: COLUMN agent_replacements.reason
COMMENT ON COLUMN public.agent_replacements.reason IS 'Reason for the agent''s replacement';

-- SEQUENCE: agent_replacements_replacement_id_seq
CREATE SEQUENCE public.agent_replacements_replacement_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

-- SEQUENCE OWNED BY: agent_replacements_replacement_id_seq
ALTER SEQUENCE public.agent_replacements_replacement_id_seq OWNED BY public.agent_replacements.replacement_id;

-- TABLE: agents
CREATE TABLE public.agents (
    agent_id integer NOT NULL,
    first_name character varying(50),
    initials character varying(10),
    surname character varying(50),
    gender character varying(10),
    race character varying(20),
    sa_id_no character varying(20),
    passport_number character varying(20),
    tel_number character varying(20),
    email_address character varying(100),
    residential_address_line character varying(100),
    residential_suburb character varying(50),
    residential_postal_code character varying(10),
    preferred_working_area_1 integer,
    preferred_working_area_2 integer,
    preferred_working_area_3 integer,
    highest_qualification character varying(100),
    sace_number character varying(50),
    sace_registration_date date,
    sace_expiry_date date,
    quantum_assessment numeric(5,2),
    agent_training_date date,
    bank_name character varying(50),
    bank_branch_code character varying(20),
    bank_account_number character varying(30),
    signed_agreement_date date,
    agent_notes text,
    created_at timestamp without time zone DEFAULT now(),
    updated_at timestamp without time zone DEFAULT now(),
    title character varying(50),
    id_type character varying(20) DEFAULT 'sa_id'::character varying,
    address_line_2 character varying(255),
    criminal_record_date date,
    criminal_record_file character varying(500),
    province character varying(100),
    city character varying(100),
    phase_registered character varying(50),
    subjects_registered text,
    account_holder character varying(100),
    account_type character varying(50),
    status character varying(50) DEFAULT 'active'::character varying,
    created_by integer,
    updated_by integer,
    second_name character varying(50),
    signed_agreement_file character varying(255),
    quantum_maths_score integer DEFAULT 0,
    quantum_science_score integer DEFAULT 0,
    CONSTRAINT agents_account_type_check CHECK (((account_type)::text = ANY (ARRAY[('Savings'::character varying)::text, ('Current'::character varying)::text, ('Transmission'::character varying)::text]))),
    CONSTRAINT agents_gender_check CHECK (((gender)::text = ANY (ARRAY[('M'::character varying)::text, ('F'::character varying)::text, ('Male'::character varying)::text, ('Female'::character varying)::text]))),
    CONSTRAINT agents_id_type_check CHECK (((id_type)::text = ANY (ARRAY[('sa_id'::character varying)::text, ('passport'::character varying)::text]))),
    CONSTRAINT agents_phase_registered_check CHECK (((phase_registered)::text = ANY (ARRAY[('Foundation'::character varying)::text, ('Intermediate'::character varying)::text, ('Senior'::character varying)::text, ('FET'::character varying)::text]))),
    CONSTRAINT agents_race_check CHECK (((race)::text = ANY (ARRAY[('African'::character varying)::text, ('Coloured'::character varying)::text, ('White'::character varying)::text, ('Indian'::character varying)::text]))),
    CONSTRAINT agents_status_check CHECK (((status)::text = ANY (ARRAY[('active'::character varying)::text, ('inactive'::character varying)::text, ('suspended'::character varying)::text, ('deleted'::character varying)::text]))),
    CONSTRAINT agents_title_check CHECK (((title)::text = ANY (ARRAY[('Mr'::character varying)::text, ('Mrs'::character varying)::text, ('Ms'::character varying)::text, ('Miss'::character varying)::text, ('Dr'::character varying)::text, ('Prof'::character varying)::text]))),
    CONSTRAINT quantum_maths_score_range CHECK (((quantum_maths_score >= 0) AND (quantum_maths_score <= 100))),
    CONSTRAINT quantum_science_score_range CHECK (((quantum_science_score >= 0) AND (quantum_science_score <= 100)))
);

-- COMMENT: TABLE agents
COMMENT ON TABLE public.agents IS 'Stores information about agents (instructors or facilitators)';

-- COMMENT: COLUMN agents.agent_id
COMMENT ON COLUMN public.agents.agent_id IS 'Unique internal agent ID';

-- COMMENT: COLUMN agents.first_name
COMMENT ON COLUMN public.agents.first_name IS 'Agent''s first name';

-- COMMENT: COLUMN agents.initials
COMMENT ON COLUMN public.agents.initials IS 'Agent''s initials';

-- COMMENT: COLUMN agents.surname
COMMENT ON COLUMN public.agents.surname IS 'Agent''s surname';

-- COMMENT: COLUMN agents.gender
COMMENT ON COLUMN public.agents.gender IS 'Agent''s gender';

-- COMMENT: COLUMN agents.race
COMMENT ON COLUMN public.agents.race IS 'Agent''s race; options include ''African'', ''Coloured'', ''White'', ''Indian''';

-- COMMENT: COLUMN agents.sa_id_no
COMMENT ON COLUMN public.agents.sa_id_no IS 'Agent''s South African ID number';

-- COMMENT: COLUMN agents.passport_number
COMMENT ON COLUMN public.agents.passport_number IS 'Agent''s passport number if they are a foreigner';

-- COMMENT: COLUMN agents.tel_number
COMMENT ON COLUMN public.agents.tel_number IS 'Agent''s primary telephone number';

-- COMMENT: COLUMN agents.email_address
COMMENT ON COLUMN public.agents.email_address IS 'Agent''s email address';

-- COMMENT: COLUMN agents.residential_address_line
COMMENT ON COLUMN public.agents.residential_address_line IS 'Agent''s residential street address';

-- COMMENT: COLUMN agents.residential_suburb
COMMENT ON COLUMN public.agents.residential_suburb IS 'Agent''s residential suburb';

-- COMMENT: COLUMN agents.residential_postal_code
COMMENT ON COLUMN public.agents.residential_postal_code IS 'Postal code of the agent''s residential area';

-- COMMENT: COLUMN agents.preferred_working_area_1
COMMENT ON COLUMN public.agents.preferred_working_area_1 IS 'Agent''s first preferred working area';

-- COMMENT: COLUMN agents.preferred_working_area_2
COMMENT ON COLUMN public.agents.preferred_working_area_2 IS 'Agent''s second preferred working area';

-- COMMENT: COLUMN agents.preferred_working_area_3
COMMENT ON COLUMN public.agents.preferred_working_area_3 IS 'Agent''s third preferred working area';

-- COMMENT: COLUMN agents.highest_qualification
COMMENT ON COLUMN public.agents.highest_qualification IS 'Highest qualification the agent has achieved';

-- COMMENT: COLUMN agents.sace_number
COMMENT ON COLUMN public.agents.sace_number IS 'Agent''s SACE (South African Council for Educators) registration number';

-- COMMENT: COLUMN agents.sace_registration_date
COMMENT ON COLUMN public.agents.sace_registration_date IS 'Date when the agent''s SACE registration became effective';

-- COMMENT: COLUMN agents.sace_expiry_date
COMMENT ON COLUMN public.agents.sace_expiry_date IS 'Expiry date of the agent''s provisional SACE registration';

-- COMMENT: COLUMN agents.quantum_assessment
COMMENT ON COLUMN public.agents.quantum_assessment IS 'Agent''s competence score in Communications (percentage)';

-- COMMENT: COLUMN agents.agent_training_date
COMMENT ON COLUMN public.agents.agent_training_date IS 'Date when the agent received induction training';

-- COMMENT: COLUMN agents.bank_name
COMMENT ON COLUMN public.agents.bank_name IS 'Name of the agent''s bank';

-- COMMENT: COLUMN agents.bank_branch_code
COMMENT ON COLUMN public.agents.bank_branch_code IS 'Branch code of the agent''s bank';

-- COMMENT: COLUMN agents.bank_account_number
COMMENT ON COLUMN public.agents.bank_account_number IS 'Agent''s bank account number';

-- COMMENT: COLUMN agents.signed_agreement_date
COMMENT ON COLUMN public.agents.signed_agreement_date IS 'Date when the agent signed the agreement';

-- COMMENT: COLUMN agents.agent_notes
COMMENT ON COLUMN public.agents.agent_notes IS 'Notes regarding the agent''s performance, issues, or other relevant information';

-- COMMENT: COLUMN agents.created_at
COMMENT ON COLUMN public.agents.created_at IS 'Timestamp when the agent record was created';

-- COMMENT: COLUMN agents.updated_at
COMMENT ON COLUMN public.agents.updated_at IS 'Timestamp when the agent record was last updated';

-- COMMENT: COLUMN agents.title
COMMENT ON COLUMN public.agents.title IS 'Agent''s title (Mr, Mrs, Ms, etc)';

-- COMMENT: COLUMN agents.id_type
COMMENT ON COLUMN public.agents.id_type IS 'Type of identification: sa_id or passport';

-- COMMENT: COLUMN agents.address_line_2
COMMENT ON COLUMN public.agents.address_line_2 IS 'Additional address information';

-- COMMENT: COLUMN agents.criminal_record_date
COMMENT ON COLUMN public.agents.criminal_record_date IS 'Date of criminal record check';

-- COMMENT: COLUMN agents.criminal_record_file
COMMENT ON COLUMN public.agents.criminal_record_file IS 'Path to criminal record check file';

-- COMMENT: COLUMN agents.province
COMMENT ON COLUMN public.agents.province IS 'Province where the agent resides';

-- COMMENT: COLUMN agents.city
COMMENT ON COLUMN public.agents.city IS 'City where the agent resides';

-- COMMENT: COLUMN agents.phase_registered
COMMENT ON COLUMN public.agents.phase_registered IS 'Educational phase the agent is registered for';

-- COMMENT: COLUMN agents.subjects_registered
COMMENT ON COLUMN public.agents.subjects_registered IS 'Subjects the agent is registered to teach';

-- COMMENT: COLUMN agents.account_holder
COMMENT ON COLUMN public.agents.account_holder IS 'Name of the bank account holder';

-- COMMENT: COLUMN agents.account_type
COMMENT ON COLUMN public.agents.account_type IS 'Type of bank account (Savings, Current, etc)';

-- COMMENT: COLUMN agents.status
COMMENT ON COLUMN public.agents.status IS 'Current status of the agent';

-- COMMENT: COLUMN agents.created_by
COMMENT ON COLUMN public.agents.created_by IS 'User ID who created the record';

-- COMMENT: COLUMN agents.updated_by
COMMENT ON COLUMN public.agents.updated_by IS 'User ID who last updated the record';

-- COMMENT: COLUMN agents.second_name
COMMENT ON COLUMN public.agents.second_name IS 'Second name of the agent (middle name)';

-- SEQUENCE: agents_agent_id_seq
CREATE SEQUENCE public.agents_agent_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

-- SEQUENCE OWNED BY: agents_agent_id_seq
ALTER SEQUENCE public.agents_agent_id_seq OWNED BY public.agents.agent_id;

-- TABLE: class_agents
CREATE TABLE public.class_agents (
    class_id integer NOT NULL,
    agent_id integer NOT NULL,
    start_date date NOT NULL,
    end_date date,
    role character varying(50)
);

-- COMMENT: TABLE class_agents
COMMENT ON TABLE public.class_agents IS 'Associates agents with classes they facilitate, including their roles and durations';

-- COMMENT: COLUMN class_agents.class_id
COMMENT ON COLUMN public.class_agents.class_id IS 'Reference to the class';

-- COMMENT: COLUMN class_agents.agent_id
COMMENT ON COLUMN public.class_agents.agent_id IS 'Reference to the agent facilitating the class';

-- COMMENT: COLUMN class_agents.start_date
COMMENT ON COLUMN public.class_agents.start_date IS 'Date when the agent started facilitating the class';

-- COMMENT: COLUMN class_agents.end_date
COMMENT ON COLUMN public.class_agents.end_date IS 'Date when the agent stopped facilitating the class';

-- COMMENT: COLUMN class_agents.role
COMMENT ON COLUMN public.class_agents.role IS 'Role of the agent in the class (e.g., ''Original'', ''Backup'', ''Replacement'')';

-- TABLE: class_change_logs
CREATE TABLE public.class_change_logs (
    log_id bigint NOT NULL,
    class_id integer,
    operation text NOT NULL,
    changed_at timestamp without time zone DEFAULT now() NOT NULL,
    new_row jsonb,
    old_row jsonb,
    diff jsonb,
    tasks jsonb DEFAULT '[]'::jsonb,
    ai_summary jsonb
);

-- SEQUENCE: class_change_logs_log_id_seq
CREATE SEQUENCE public.class_change_logs_log_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

-- SEQUENCE OWNED BY: class_change_logs_log_id_seq
ALTER SEQUENCE public.class_change_logs_log_id_seq OWNED BY public.class_change_logs.log_id;

-- TABLE: class_subjects
CREATE TABLE public.class_subjects (
    class_id integer NOT NULL,
    product_id integer NOT NULL
);

-- COMMENT: TABLE class_subjects
COMMENT ON TABLE public.class_subjects IS 'Associates classes with the subjects or products being taught';

-- COMMENT: COLUMN class_subjects.class_id
COMMENT ON COLUMN public.class_subjects.class_id IS 'Reference to the class';

-- COMMENT: COLUMN class_subjects.product_id
COMMENT ON COLUMN public.class_subjects.product_id IS 'Reference to the subject or product taught in the class';

-- TABLE: class_type_subjects
CREATE TABLE public.class_type_subjects (
    class_type_subject_id integer NOT NULL,
    class_type_id integer NOT NULL,
    subject_code character varying(50) NOT NULL,
    subject_name character varying(100) NOT NULL,
    subject_duration integer NOT NULL,
    display_order integer DEFAULT 0 NOT NULL,
    is_active boolean DEFAULT true,
    created_at timestamp without time zone DEFAULT now(),
    updated_at timestamp without time zone DEFAULT now()
);

-- SEQUENCE: class_type_subjects_class_type_subject_id_seq
CREATE SEQUENCE public.class_type_subjects_class_type_subject_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

-- SEQUENCE OWNED BY: class_type_subjects_class_type_subject_id_seq
ALTER SEQUENCE public.class_type_subjects_class_type_subject_id_seq OWNED BY public.class_type_subjects.class_type_subject_id;

-- TABLE: class_types
CREATE TABLE public.class_types (
    class_type_id integer NOT NULL,
    class_type_code character varying(50) NOT NULL,
    class_type_name character varying(100) NOT NULL,
    subject_selection_mode character varying(20) NOT NULL,
    progression_total_hours integer,
    display_order integer DEFAULT 0 NOT NULL,
    is_active boolean DEFAULT true,
    created_at timestamp without time zone DEFAULT now(),
    updated_at timestamp without time zone DEFAULT now(),
    CONSTRAINT class_types_subject_selection_mode_check CHECK (((subject_selection_mode)::text = ANY ((ARRAY['own'::character varying, 'all_subjects'::character varying, 'progression'::character varying])::text[])))
);

-- SEQUENCE: class_types_class_type_id_seq
CREATE SEQUENCE public.class_types_class_type_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

-- SEQUENCE OWNED BY: class_types_class_type_id_seq
ALTER SEQUENCE public.class_types_class_type_id_seq OWNED BY public.class_types.class_type_id;

-- TABLE: classes
CREATE TABLE public.classes (
    class_id integer NOT NULL,
    client_id integer,
    class_address_line character varying(100),
    class_type character varying(50),
    original_start_date date,
    seta_funded boolean,
    seta character varying(100),
    exam_class boolean,
    exam_type character varying(50),
    project_supervisor_id integer,
    created_at timestamp without time zone DEFAULT now(),
    updated_at timestamp without time zone DEFAULT now(),
    site_id integer,
    class_subject character varying(100),
    class_code character varying(50),
    class_duration integer,
    class_agent integer,
    learner_ids jsonb DEFAULT '[]'::jsonb,
    backup_agent_ids jsonb DEFAULT '[]'::jsonb,
    schedule_data jsonb DEFAULT '[]'::jsonb,
    stop_restart_dates jsonb DEFAULT '[]'::jsonb,
    class_notes_data jsonb DEFAULT '[]'::jsonb,
    initial_class_agent integer,
    initial_agent_start_date date,
    exam_learners jsonb DEFAULT '[]'::jsonb,
    order_nr character varying,
    event_dates jsonb DEFAULT '[]'::jsonb
);

-- COMMENT: TABLE classes
COMMENT ON TABLE public.classes IS 'Stores information about classes, including scheduling and associations';

-- COMMENT: COLUMN classes.class_id
COMMENT ON COLUMN public.classes.class_id IS 'Unique internal class ID';

-- COMMENT: COLUMN classes.client_id
COMMENT ON COLUMN public.classes.client_id IS 'Reference to the client associated with the class';

-- COMMENT: COLUMN classes.class_address_line
COMMENT ON COLUMN public.classes.class_address_line IS 'Street address where the class takes place';

-- COMMENT: COLUMN classes.class_type
COMMENT ON COLUMN public.classes.class_type IS 'Type of class; determines the ''rules'' (e.g., ''Employed'', ''Community'')';

-- COMMENT: COLUMN classes.original_start_date
COMMENT ON COLUMN public.classes.original_start_date IS 'Original start date of the class';

-- COMMENT: COLUMN classes.seta_funded
COMMENT ON COLUMN public.classes.seta_funded IS 'Indicates if the project is SETA funded (true) or not (false)';

-- COMMENT: COLUMN classes.seta
COMMENT ON COLUMN public.classes.seta IS 'Name of the SETA (Sector Education and Training Authority) the client belongs to';

-- COMMENT: COLUMN classes.exam_class
COMMENT ON COLUMN public.classes.exam_class IS 'Indicates if this is an exam project (true) or not (false)';

-- COMMENT: COLUMN classes.exam_type
COMMENT ON COLUMN public.classes.exam_type IS 'Type of exam associated with the class';

-- COMMENT: COLUMN classes.project_supervisor_id
COMMENT ON COLUMN public.classes.project_supervisor_id IS 'Reference to the project supervisor managing the class';

-- COMMENT: COLUMN classes.created_at
COMMENT ON COLUMN public.classes.created_at IS 'Timestamp when the class record was created';

-- COMMENT: COLUMN classes.updated_at
COMMENT ON COLUMN public.classes.updated_at IS 'Timestamp when the class record was last updated';

-- COMMENT: COLUMN classes.exam_learners
COMMENT ON COLUMN public.classes.exam_learners IS 'JSON array storing exam learner IDs and 
  metadata for learners taking exams';

-- SEQUENCE: classes_class_id_seq
CREATE SEQUENCE public.classes_class_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

-- SEQUENCE OWNED BY: classes_class_id_seq
ALTER SEQUENCE public.classes_class_id_seq OWNED BY public.classes.class_id;

-- TABLE: clients
CREATE TABLE public.clients (
    client_id integer NOT NULL,
    client_name character varying(100),
    company_registration_number character varying(50),
    seta character varying(100),
    client_status character varying(50),
    financial_year_end date,
    bbbee_verification_date date,
    created_at timestamp without time zone DEFAULT now(),
    updated_at timestamp without time zone DEFAULT now(),
    main_client_id integer,
    contact_person character varying(100),
    contact_person_email character varying(100),
    contact_person_cellphone character varying(20),
    contact_person_tel character varying(20),
    contact_person_position character varying(50)
);

-- COMMENT: TABLE clients
COMMENT ON TABLE public.clients IS 'Stores information about clients (companies or organizations)';

-- COMMENT: COLUMN clients.client_id
COMMENT ON COLUMN public.clients.client_id IS 'Unique internal client ID';

-- COMMENT: COLUMN clients.client_name
COMMENT ON COLUMN public.clients.client_name IS 'Name of the client company or organization';

-- COMMENT: COLUMN clients.company_registration_number
COMMENT ON COLUMN public.clients.company_registration_number IS 'Company registration number of the client';

-- COMMENT: COLUMN clients.seta
COMMENT ON COLUMN public.clients.seta IS 'SETA the client belongs to';

-- COMMENT: COLUMN clients.client_status
COMMENT ON COLUMN public.clients.client_status IS 'Current status of the client (e.g., ''Active Client'', ''Lost Client'')';

-- COMMENT: COLUMN clients.financial_year_end
COMMENT ON COLUMN public.clients.financial_year_end IS 'Date of the client''s financial year-end';

-- COMMENT: COLUMN clients.bbbee_verification_date
COMMENT ON COLUMN public.clients.bbbee_verification_date IS 'Date of the client''s BBBEE verification';

-- COMMENT: COLUMN clients.created_at
COMMENT ON COLUMN public.clients.created_at IS 'Timestamp when the client record was created';

-- COMMENT: COLUMN clients.updated_at
COMMENT ON COLUMN public.clients.updated_at IS 'Timestamp when the client record was last updated';

-- COMMENT: COLUMN clients.main_client_id
COMMENT ON COLUMN public.clients.main_client_id IS 'Reference to the 
main client for sub-client relationships (NULL for main clients)';

-- COMMENT: COLUMN clients.contact_person
COMMENT ON COLUMN public.clients.contact_person IS 'Primary contact person name (consolidated approach for new clients)';

-- COMMENT: COLUMN clients.contact_person_email
COMMENT ON COLUMN public.clients.contact_person_email IS 'Primary contact person email';

-- COMMENT: COLUMN clients.contact_person_cellphone
COMMENT ON COLUMN public.clients.contact_person_cellphone IS 'Primary contact person cellphone';

-- COMMENT: COLUMN clients.contact_person_tel
COMMENT ON COLUMN public.clients.contact_person_tel IS 'Primary contact person landline';

-- COMMENT: COLUMN clients.contact_person_position
COMMENT ON COLUMN public.clients.contact_person_position IS 'Primary contact person job position';

-- SEQUENCE: clients_client_id_seq
CREATE SEQUENCE public.clients_client_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

-- SEQUENCE OWNED BY: clients_client_id_seq
ALTER SEQUENCE public.clients_client_id_seq OWNED BY public.clients.client_id;

-- TABLE: employers
CREATE TABLE public.employers (
    employer_id integer NOT NULL,
    employer_name character varying(100),
    created_at timestamp without time zone DEFAULT now(),
    updated_at timestamp without time zone DEFAULT now()
);

-- COMMENT: TABLE employers
COMMENT ON TABLE public.employers IS 'Stores information about employers or sponsors of learners';

-- COMMENT: COLUMN employers.employer_id
COMMENT ON COLUMN public.employers.employer_id IS 'Unique internal employer ID';

-- COMMENT: COLUMN employers.employer_name
COMMENT ON COLUMN public.employers.employer_name IS 'Name of the employer or sponsoring organization';

-- COMMENT: COLUMN employers.created_at
COMMENT ON COLUMN public.employers.created_at IS 'Timestamp when the employer record was created';

-- COMMENT: COLUMN employers.updated_at
COMMENT ON COLUMN public.employers.updated_at IS 'Timestamp when the employer record was last updated';

-- SEQUENCE: employers_employer_id_seq
CREATE SEQUENCE public.employers_employer_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

-- SEQUENCE OWNED BY: employers_employer_id_seq
ALTER SEQUENCE public.employers_employer_id_seq OWNED BY public.employers.employer_id;

-- TABLE: learner_hours_log
CREATE TABLE public.learner_hours_log (
    log_id integer NOT NULL,
    learner_id integer NOT NULL,
    product_id integer NOT NULL,
    class_id integer,
    tracking_id integer,
    log_date date NOT NULL,
    hours_trained numeric(10,2) DEFAULT 0,
    hours_present numeric(10,2) DEFAULT 0,
    source character varying(20) NOT NULL,
    session_id integer,
    created_by integer,
    notes text,
    created_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT learner_hours_log_source_check CHECK (((source)::text = ANY ((ARRAY['schedule'::character varying, 'attendance'::character varying, 'manual'::character varying])::text[])))
);

-- COMMENT: TABLE learner_hours_log
COMMENT ON TABLE public.learner_hours_log IS 'Audit trail for hours logged. Source indicates where hours came from.';

-- COMMENT: COLUMN learner_hours_log.source
COMMENT ON COLUMN public.learner_hours_log.source IS 'schedule = auto from class schedule, attendance = from facilitator, manual = office entry';

-- SEQUENCE: learner_hours_log_log_id_seq
CREATE SEQUENCE public.learner_hours_log_log_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

-- SEQUENCE OWNED BY: learner_hours_log_log_id_seq
ALTER SEQUENCE public.learner_hours_log_log_id_seq OWNED BY public.learner_hours_log.log_id;

-- TABLE: learner_lp_tracking
CREATE TABLE public.learner_lp_tracking (
    tracking_id integer NOT NULL,
    learner_id integer NOT NULL,
    product_id integer NOT NULL,
    class_id integer,
    hours_trained numeric(10,2) DEFAULT 0,
    hours_present numeric(10,2) DEFAULT 0,
    hours_absent numeric(10,2) DEFAULT 0,
    status character varying(20) DEFAULT 'in_progress'::character varying,
    start_date date DEFAULT CURRENT_DATE,
    completion_date date,
    portfolio_file_path character varying(500),
    portfolio_uploaded_at timestamp without time zone,
    marked_complete_by integer,
    marked_complete_date timestamp without time zone,
    notes text,
    created_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP,
    updated_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT learner_lp_tracking_status_check CHECK (((status)::text = ANY ((ARRAY['in_progress'::character varying, 'completed'::character varying, 'on_hold'::character varying])::text[])))
);

-- COMMENT: TABLE learner_lp_tracking
COMMENT ON TABLE public.learner_lp_tracking IS 'Tracks current LP status per learner. Only one in_progress LP allowed per learner.';

-- COMMENT: COLUMN learner_lp_tracking.hours_trained
COMMENT ON COLUMN public.learner_lp_tracking.hours_trained IS 'Hours from class schedule (scheduled training time)';

-- COMMENT: COLUMN learner_lp_tracking.hours_present
COMMENT ON COLUMN public.learner_lp_tracking.hours_present IS 'Hours from facilitator attendance records';

-- COMMENT: COLUMN learner_lp_tracking.hours_absent
COMMENT ON COLUMN public.learner_lp_tracking.hours_absent IS 'Calculated: hours_trained - hours_present';

-- COMMENT: COLUMN learner_lp_tracking.status
COMMENT ON COLUMN public.learner_lp_tracking.status IS 'in_progress = currently working on LP, completed = LP finished, on_hold = paused';

-- SEQUENCE: learner_lp_tracking_tracking_id_seq
CREATE SEQUENCE public.learner_lp_tracking_tracking_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

-- SEQUENCE OWNED BY: learner_lp_tracking_tracking_id_seq
ALTER SEQUENCE public.learner_lp_tracking_tracking_id_seq OWNED BY public.learner_lp_tracking.tracking_id;

-- TABLE: learner_placement_level
CREATE TABLE public.learner_placement_level (
    placement_level_id integer NOT NULL,
    level character varying(255) NOT NULL,
    level_desc character varying(255)
);

-- COMMENT: TABLE learner_placement_level
COMMENT ON TABLE public.learner_placement_level IS 'Stores Learners Placement Levels';

-- TABLE: learner_portfolios
CREATE TABLE public.learner_portfolios (
    portfolio_id integer NOT NULL,
    learner_id integer NOT NULL,
    file_path character varying(255) NOT NULL,
    upload_date timestamp without time zone DEFAULT CURRENT_TIMESTAMP
);

-- SEQUENCE: learner_portfolios_portfolio_id_seq
CREATE SEQUENCE public.learner_portfolios_portfolio_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

-- SEQUENCE OWNED BY: learner_portfolios_portfolio_id_seq
ALTER SEQUENCE public.learner_portfolios_portfolio_id_seq OWNED BY public.learner_portfolios.portfolio_id;

-- TABLE: learner_products
CREATE TABLE public.learner_products (
    learner_id integer NOT NULL,
    product_id integer NOT NULL,
    start_date date,
    end_date date
);

-- COMMENT: TABLE learner_products
COMMENT ON TABLE public.learner_products IS 'Associates learners with the products they are enrolled in';

-- COMMENT: COLUMN learner_products.learner_id
COMMENT ON COLUMN public.learner_products.learner_id IS 'Reference to the learner';

-- COMMENT: COLUMN learner_products.product_id
COMMENT ON COLUMN public.learner_products.product_id IS 'Reference to the product the learner is enrolled in';

-- COMMENT: COLUMN learner_products.start_date
COMMENT ON COLUMN public.learner_products.start_date IS 'Start date of the learner''s enrollment in the product';

-- COMMENT: COLUMN learner_products.end_date
COMMENT ON COLUMN public.learner_products.end_date IS 'End date of the learner''s enrollment in the product';

-- TABLE: learner_progression_portfolios
CREATE TABLE public.learner_progression_portfolios (
    file_id integer NOT NULL,
    tracking_id integer NOT NULL,
    file_name character varying(255) NOT NULL,
    file_path character varying(500) NOT NULL,
    file_type character varying(50),
    file_size integer,
    uploaded_by integer,
    uploaded_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP
);

-- COMMENT: TABLE learner_progression_portfolios
COMMENT ON TABLE public.learner_progression_portfolios IS 'Portfolio files uploaded when marking LP complete. Required for completion.';

-- SEQUENCE: learner_progression_portfolios_file_id_seq
CREATE SEQUENCE public.learner_progression_portfolios_file_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

-- SEQUENCE OWNED BY: learner_progression_portfolios_file_id_seq
ALTER SEQUENCE public.learner_progression_portfolios_file_id_seq OWNED BY public.learner_progression_portfolios.file_id;

-- TABLE: learner_progressions
CREATE TABLE public.learner_progressions (
    progression_id integer NOT NULL,
    learner_id integer,
    from_product_id integer,
    to_product_id integer,
    progression_date date,
    notes text
);

-- COMMENT: TABLE learner_progressions
COMMENT ON TABLE public.learner_progressions IS 'Tracks the progression of learners between products';

-- COMMENT: COLUMN learner_progressions.progression_id
COMMENT ON COLUMN public.learner_progressions.progression_id IS 'Unique internal progression ID';

-- COMMENT: COLUMN learner_progressions.learner_id
COMMENT ON COLUMN public.learner_progressions.learner_id IS 'Reference to the learner';

-- COMMENT: COLUMN learner_progressions.from_product_id
COMMENT ON COLUMN public.learner_progressions.from_product_id IS 'Reference to the initial product';

-- COMMENT: COLUMN learner_progressions.to_product_id
COMMENT ON COLUMN public.learner_progressions.to_product_id IS 'Reference to the new product after progression';

-- COMMENT: COLUMN learner_progressions.progression_date
COMMENT ON COLUMN public.learner_progressions.progression_date IS 'Date when the learner progressed to the new product';

-- COMMENT: COLUMN learner_progressions.notes
COMMENT ON COLUMN public.learner_progressions.notes IS 'Additional notes regarding the progression';

-- SEQUENCE: learner_progressions_progression_id_seq
CREATE SEQUENCE public.learner_progressions_progression_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

-- SEQUENCE OWNED BY: learner_progressions_progression_id_seq
ALTER SEQUENCE public.learner_progressions_progression_id_seq OWNED BY public.learner_progressions.progression_id;

-- TABLE: learner_qualifications
CREATE TABLE public.learner_qualifications (
    id integer NOT NULL,
    qualification character varying(255)
);

-- COMMENT: TABLE learner_qualifications
COMMENT ON TABLE public.learner_qualifications IS 'Table containing a list of possible qualifications that learners can attain.';

-- COMMENT: COLUMN learner_qualifications.qualification
COMMENT ON COLUMN public.learner_qualifications.qualification IS 'Name of the qualification.';

-- SEQUENCE: learner_qualifications_id_seq
CREATE SEQUENCE public.learner_qualifications_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

-- SEQUENCE OWNED BY: learner_qualifications_id_seq
ALTER SEQUENCE public.learner_qualifications_id_seq OWNED BY public.learner_qualifications.id;

-- TABLE: learners
CREATE TABLE public.learners (
    id integer NOT NULL,
    first_name character varying(50),
    initials character varying(10),
    surname character varying(50),
    gender character varying(10),
    race character varying(20),
    sa_id_no character varying(20),
    passport_number character varying(20),
    tel_number character varying(20),
    alternative_tel_number character varying(20),
    email_address character varying(100),
    address_line_1 character varying(100),
    address_line_2 character varying(100),
    city_town_id integer,
    province_region_id integer,
    postal_code character varying(10),
    assessment_status character varying(20),
    placement_assessment_date date,
    numeracy_level integer,
    employment_status boolean,
    employer_id integer,
    disability_status boolean,
    scanned_portfolio character varying(255),
    created_at timestamp without time zone DEFAULT now(),
    updated_at timestamp without time zone DEFAULT now(),
    highest_qualification integer,
    communication_level integer,
    second_name character varying(255),
    title character varying(16)
);

-- COMMENT: TABLE learners
COMMENT ON TABLE public.learners IS 'Stores personal, educational, and assessment information about learners';

-- COMMENT: COLUMN learners.id
COMMENT ON COLUMN public.learners.id IS 'Unique internal learner ID';

-- COMMENT: COLUMN learners.first_name
COMMENT ON COLUMN public.learners.first_name IS 'Learner''s first name';

-- COMMENT: COLUMN learners.initials
COMMENT ON COLUMN public.learners.initials IS 'Learner''s initials';

-- COMMENT: COLUMN learners.surname
COMMENT ON COLUMN public.learners.surname IS 'Learner''s surname';

-- COMMENT: COLUMN learners.gender
COMMENT ON COLUMN public.learners.gender IS 'Learner''s gender';

-- COMMENT: COLUMN learners.race
COMMENT ON COLUMN public.learners.race IS 'Learner''s race; options include ''African'', ''Coloured'', ''White'', ''Indian''';

-- COMMENT: COLUMN learners.sa_id_no
COMMENT ON COLUMN public.learners.sa_id_no IS 'Learner''s South African ID number';

-- COMMENT: COLUMN learners.passport_number
COMMENT ON COLUMN public.learners.passport_number IS 'Learner''s passport number if they are a foreigner';

-- COMMENT: COLUMN learners.tel_number
COMMENT ON COLUMN public.learners.tel_number IS 'Learner''s primary telephone number';

-- COMMENT: COLUMN learners.alternative_tel_number
COMMENT ON COLUMN public.learners.alternative_tel_number IS 'Learner''s alternative contact number';

-- COMMENT: COLUMN learners.email_address
COMMENT ON COLUMN public.learners.email_address IS 'Learner''s email address';

-- COMMENT: COLUMN learners.address_line_1
COMMENT ON COLUMN public.learners.address_line_1 IS 'First line of learner''s physical address';

-- COMMENT: COLUMN learners.address_line_2
COMMENT ON COLUMN public.learners.address_line_2 IS 'Second line of learner''s physical address';

-- COMMENT: COLUMN learners.city_town_id
COMMENT ON COLUMN public.learners.city_town_id IS 'Reference to the city or town where the learner lives';

-- COMMENT: COLUMN learners.province_region_id
COMMENT ON COLUMN public.learners.province_region_id IS 'Reference to the province/region where the learner lives';

-- COMMENT: COLUMN learners.postal_code
COMMENT ON COLUMN public.learners.postal_code IS 'Postal code of the learner''s area';

-- COMMENT: COLUMN learners.assessment_status
COMMENT ON COLUMN public.learners.assessment_status IS 'Assessment status; indicates if the learner was assessed (''Assessed'', ''Not Assessed'')';

-- COMMENT: COLUMN learners.placement_assessment_date
COMMENT ON COLUMN public.learners.placement_assessment_date IS 'Date when the learner took the placement assessment';

-- COMMENT: COLUMN learners.numeracy_level
COMMENT ON COLUMN public.learners.numeracy_level IS 'Learner''s initial placement level in Communications (e.g., ''CL1b'', ''CL1'', ''CL2'')';

-- COMMENT: COLUMN learners.employment_status
COMMENT ON COLUMN public.learners.employment_status IS 'Indicates if the learner is employed (true) or not (false)';

-- COMMENT: COLUMN learners.employer_id
COMMENT ON COLUMN public.learners.employer_id IS 'Reference to the learner''s employer or sponsor';

-- COMMENT: COLUMN learners.disability_status
COMMENT ON COLUMN public.learners.disability_status IS 'Indicates if the learner has a disability (true) or not (false)';

-- COMMENT: COLUMN learners.scanned_portfolio
COMMENT ON COLUMN public.learners.scanned_portfolio IS 'File path or URL to the learner''s scanned portfolio in PDF format';

-- COMMENT: COLUMN learners.created_at
COMMENT ON COLUMN public.learners.created_at IS 'Timestamp when the learner record was created';

-- COMMENT: COLUMN learners.updated_at
COMMENT ON COLUMN public.learners.updated_at IS 'Timestamp when the learner record was last updated';

-- COMMENT: COLUMN learners.highest_qualification
COMMENT ON COLUMN public.learners.highest_qualification IS 'Foreign key referencing learner_qualifications.id; indicates the learner''s highest qualification.';

-- SEQUENCE: learners_learner_id_seq
CREATE SEQUENCE public.learners_learner_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

-- SEQUENCE OWNED BY: learners_learner_id_seq
ALTER SEQUENCE public.learners_learner_id_seq OWNED BY public.learners.id;

-- TABLE: locations
CREATE TABLE public.locations (
    location_id integer NOT NULL,
    suburb character varying(50),
    town character varying(50),
    province character varying(50),
    postal_code character varying(10),
    longitude numeric(9,6),
    latitude numeric(9,6),
    created_at timestamp without time zone DEFAULT now(),
    updated_at timestamp without time zone DEFAULT now(),
    street_address text,
    CONSTRAINT locations_street_address_nonblank CHECK (((street_address IS NULL) OR (btrim(street_address) <> ''::text)))
);

-- COMMENT: TABLE locations
COMMENT ON TABLE public.locations IS 'Stores geographical location data for addresses';

-- COMMENT: COLUMN locations.location_id
COMMENT ON COLUMN public.locations.location_id IS 'Unique internal location ID';

-- COMMENT: COLUMN locations.suburb
COMMENT ON COLUMN public.locations.suburb IS 'Suburb name';

-- COMMENT: COLUMN locations.town
COMMENT ON COLUMN public.locations.town IS 'Town name';

-- COMMENT: COLUMN locations.province
COMMENT ON COLUMN public.locations.province IS 'Province name';

-- COMMENT: COLUMN locations.postal_code
COMMENT ON COLUMN public.locations.postal_code IS 'Postal code';

-- COMMENT: COLUMN locations.longitude
COMMENT ON COLUMN public.locations.longitude IS 'Geographical longitude coordinate';

-- COMMENT: COLUMN locations.latitude
COMMENT ON COLUMN public.locations.latitude IS 'Geographical latitude coordinate';

-- COMMENT: COLUMN locations.created_at
COMMENT ON COLUMN public.locations.created_at IS 'Timestamp when the location record was created';

-- COMMENT: COLUMN locations.updated_at
COMMENT ON COLUMN public.locations.updated_at IS 'Timestamp when the location record was last updated';

-- COMMENT: COLUMN locations.street_address
COMMENT ON COLUMN public.locations.street_address IS 'Street address line for the location';

-- SEQUENCE: locations_location_id_seq
CREATE SEQUENCE public.locations_location_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

-- SEQUENCE OWNED BY: locations_location_id_seq
ALTER SEQUENCE public.locations_location_id_seq OWNED BY public.locations.location_id;

-- TABLE: products
CREATE TABLE public.products (
    product_id integer NOT NULL,
    product_name character varying(100),
    product_duration integer,
    learning_area character varying(100),
    learning_area_duration integer,
    reporting_structure text,
    product_notes text,
    product_rules text,
    product_flags text,
    parent_product_id integer,
    created_at timestamp without time zone DEFAULT now(),
    updated_at timestamp without time zone DEFAULT now()
);

-- COMMENT: TABLE products
COMMENT ON TABLE public.products IS 'Stores information about educational products or courses';

-- COMMENT: COLUMN products.product_id
COMMENT ON COLUMN public.products.product_id IS 'Unique internal product ID';

-- COMMENT: COLUMN products.product_name
COMMENT ON COLUMN public.products.product_name IS 'Name of the product or course';

-- COMMENT: COLUMN products.product_duration
COMMENT ON COLUMN public.products.product_duration IS 'Total duration of the product in hours';

-- COMMENT: COLUMN products.learning_area
COMMENT ON COLUMN public.products.learning_area IS 'Learning areas covered by the product (e.g., ''Communication'', ''Numeracy'')';

-- COMMENT: COLUMN products.learning_area_duration
COMMENT ON COLUMN public.products.learning_area_duration IS 'Duration of each learning area in hours';

-- COMMENT: COLUMN products.reporting_structure
COMMENT ON COLUMN public.products.reporting_structure IS 'Structure of progress reports for the product';

-- COMMENT: COLUMN products.product_notes
COMMENT ON COLUMN public.products.product_notes IS 'Notes or additional information about the product';

-- COMMENT: COLUMN products.product_rules
COMMENT ON COLUMN public.products.product_rules IS 'Rules or guidelines associated with the product';

-- COMMENT: COLUMN products.product_flags
COMMENT ON COLUMN public.products.product_flags IS 'Flags or alerts for the product (e.g., attendance thresholds)';

-- COMMENT: COLUMN products.parent_product_id
COMMENT ON COLUMN public.products.parent_product_id IS 'Reference to a parent product for hierarchical structuring';

-- COMMENT: COLUMN products.created_at
COMMENT ON COLUMN public.products.created_at IS 'Timestamp when the product record was created';

-- COMMENT: COLUMN products.updated_at
COMMENT ON COLUMN public.products.updated_at IS 'Timestamp when the product record was last updated';

-- SEQUENCE: products_product_id_seq
CREATE SEQUENCE public.products_product_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

-- SEQUENCE OWNED BY: products_product_id_seq
ALTER SEQUENCE public.products_product_id_seq OWNED BY public.products.product_id;

-- TABLE: qa_visits
CREATE TABLE public.qa_visits (
    id integer NOT NULL,
    class_id integer NOT NULL,
    visit_date date NOT NULL,
    visit_type character varying(255) NOT NULL,
    officer_name character varying(255) NOT NULL,
    latest_document jsonb,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP,
    updated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP
);

-- SEQUENCE: qa_visits_id_seq1
CREATE SEQUENCE public.qa_visits_id_seq1
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

-- SEQUENCE OWNED BY: qa_visits_id_seq1
ALTER SEQUENCE public.qa_visits_id_seq1 OWNED BY public.qa_visits.id;

-- TABLE: sites
CREATE TABLE public.sites (
    site_id integer NOT NULL,
    client_id integer NOT NULL,
    site_name character varying(100) NOT NULL,
    created_at timestamp without time zone DEFAULT now(),
    updated_at timestamp without time zone DEFAULT now(),
    parent_site_id integer,
    place_id integer
);

-- COMMENT: TABLE sites
COMMENT ON TABLE public.sites IS 'Stores information about client sites with hierarchical structure. Address data is stored in locations table and linked via place_id.';

-- COMMENT: COLUMN sites.site_id
COMMENT ON COLUMN public.sites.site_id IS 'Unique site ID';

-- COMMENT: COLUMN sites.client_id
COMMENT ON COLUMN public.sites.client_id IS 'Reference to the client this site belongs to';

-- COMMENT: COLUMN sites.site_name
COMMENT ON COLUMN public.sites.site_name IS 'Name of the site';

-- COMMENT: COLUMN sites.parent_site_id
COMMENT ON COLUMN public.sites.parent_site_id IS 'Reference to parent site for hierarchical structure. NULL indicates head site.';

-- COMMENT: COLUMN sites.place_id
COMMENT ON COLUMN public.sites.place_id IS 'Foreign key to locations table containing address data.';

-- SEQUENCE: sites_site_id_seq
CREATE SEQUENCE public.sites_site_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

-- SEQUENCE OWNED BY: sites_site_id_seq
ALTER SEQUENCE public.sites_site_id_seq OWNED BY public.sites.site_id;

-- TABLE: users
CREATE TABLE public.users (
    user_id integer NOT NULL,
    first_name character varying(50),
    surname character varying(50),
    email character varying(100) NOT NULL,
    cellphone_number character varying(20),
    role character varying(50),
    password_hash character varying(255) NOT NULL,
    created_at timestamp without time zone DEFAULT now(),
    updated_at timestamp without time zone DEFAULT now()
);

-- COMMENT: TABLE users
COMMENT ON TABLE public.users IS 'Stores system user information';

-- COMMENT: COLUMN users.user_id
COMMENT ON COLUMN public.users.user_id IS 'Unique internal user ID';

-- COMMENT: COLUMN users.first_name
COMMENT ON COLUMN public.users.first_name IS 'User''s first name';

-- COMMENT: COLUMN users.surname
COMMENT ON COLUMN public.users.surname IS 'User''s surname';

-- COMMENT: COLUMN users.email
COMMENT ON COLUMN public.users.email IS 'User''s email address';

-- COMMENT: COLUMN users.cellphone_number
COMMENT ON COLUMN public.users.cellphone_number IS 'User''s cellphone number';

-- COMMENT: COLUMN users.role
COMMENT ON COLUMN public.users.role IS 'User''s role in the system, e.g., ''Admin'', ''Project Supervisor''';

-- COMMENT: COLUMN users.password_hash
COMMENT ON COLUMN public.users.password_hash IS 'Hashed password for user authentication';

-- COMMENT: COLUMN users.created_at
COMMENT ON COLUMN public.users.created_at IS 'Timestamp when the user record was created';

-- COMMENT: COLUMN users.updated_at
COMMENT ON COLUMN public.users.updated_at IS 'Timestamp when the user record was last updated';

-- SEQUENCE: users_user_id_seq
CREATE SEQUENCE public.users_user_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

-- SEQUENCE OWNED BY: users_user_id_seq
ALTER SEQUENCE public.users_user_id_seq OWNED BY public.users.user_id;

-- DEFAULT: agent_replacements replacement_id
ALTER TABLE ONLY public.agent_replacements ALTER COLUMN replacement_id SET DEFAULT nextval('public.agent_replacements_replacement_id_seq'::regclass);

-- DEFAULT: agents agent_id
ALTER TABLE ONLY public.agents ALTER COLUMN agent_id SET DEFAULT nextval('public.agents_agent_id_seq'::regclass);

-- DEFAULT: class_change_logs log_id
ALTER TABLE ONLY public.class_change_logs ALTER COLUMN log_id SET DEFAULT nextval('public.class_change_logs_log_id_seq'::regclass);

-- DEFAULT: class_type_subjects class_type_subject_id
ALTER TABLE ONLY public.class_type_subjects ALTER COLUMN class_type_subject_id SET DEFAULT nextval('public.class_type_subjects_class_type_subject_id_seq'::regclass);

-- DEFAULT: class_types class_type_id
ALTER TABLE ONLY public.class_types ALTER COLUMN class_type_id SET DEFAULT nextval('public.class_types_class_type_id_seq'::regclass);

-- DEFAULT: classes class_id
ALTER TABLE ONLY public.classes ALTER COLUMN class_id SET DEFAULT nextval('public.classes_class_id_seq'::regclass);

-- DEFAULT: clients client_id
ALTER TABLE ONLY public.clients ALTER COLUMN client_id SET DEFAULT nextval('public.clients_client_id_seq'::regclass);

-- DEFAULT: employers employer_id
ALTER TABLE ONLY public.employers ALTER COLUMN employer_id SET DEFAULT nextval('public.employers_employer_id_seq'::regclass);

-- DEFAULT: learner_hours_log log_id
ALTER TABLE ONLY public.learner_hours_log ALTER COLUMN log_id SET DEFAULT nextval('public.learner_hours_log_log_id_seq'::regclass);

-- DEFAULT: learner_lp_tracking tracking_id
ALTER TABLE ONLY public.learner_lp_tracking ALTER COLUMN tracking_id SET DEFAULT nextval('public.learner_lp_tracking_tracking_id_seq'::regclass);

-- DEFAULT: learner_portfolios portfolio_id
ALTER TABLE ONLY public.learner_portfolios ALTER COLUMN portfolio_id SET DEFAULT nextval('public.learner_portfolios_portfolio_id_seq'::regclass);

-- DEFAULT: learner_progression_portfolios file_id
ALTER TABLE ONLY public.learner_progression_portfolios ALTER COLUMN file_id SET DEFAULT nextval('public.learner_progression_portfolios_file_id_seq'::regclass);

-- DEFAULT: learner_progressions progression_id
ALTER TABLE ONLY public.learner_progressions ALTER COLUMN progression_id SET DEFAULT nextval('public.learner_progressions_progression_id_seq'::regclass);

-- DEFAULT: learner_qualifications id
ALTER TABLE ONLY public.learner_qualifications ALTER COLUMN id SET DEFAULT nextval('public.learner_qualifications_id_seq'::regclass);

-- DEFAULT: learners id
ALTER TABLE ONLY public.learners ALTER COLUMN id SET DEFAULT nextval('public.learners_learner_id_seq'::regclass);

-- DEFAULT: locations location_id
ALTER TABLE ONLY public.locations ALTER COLUMN location_id SET DEFAULT nextval('public.locations_location_id_seq'::regclass);

-- DEFAULT: products product_id
ALTER TABLE ONLY public.products ALTER COLUMN product_id SET DEFAULT nextval('public.products_product_id_seq'::regclass);

-- DEFAULT: qa_visits id
ALTER TABLE ONLY public.qa_visits ALTER COLUMN id SET DEFAULT nextval('public.qa_visits_id_seq1'::regclass);

-- DEFAULT: sites site_id
ALTER TABLE ONLY public.sites ALTER COLUMN site_id SET DEFAULT nextval('public.sites_site_id_seq'::regclass);

-- DEFAULT: users user_id
ALTER TABLE ONLY public.users ALTER COLUMN user_id SET DEFAULT nextval('public.users_user_id_seq'::regclass);

-- CONSTRAINT: agent_replacements agent_replacements_pkey
ALTER TABLE ONLY public.agent_replacements
    ADD CONSTRAINT agent_replacements_pkey PRIMARY KEY (replacement_id);

-- CONSTRAINT: agents agents_email_unique
ALTER TABLE ONLY public.agents
    ADD CONSTRAINT agents_email_unique UNIQUE (email_address);

-- CONSTRAINT: agents agents_pkey
ALTER TABLE ONLY public.agents
    ADD CONSTRAINT agents_pkey PRIMARY KEY (agent_id);

-- CONSTRAINT: agents agents_sa_id_unique
ALTER TABLE ONLY public.agents
    ADD CONSTRAINT agents_sa_id_unique UNIQUE (sa_id_no);

-- CONSTRAINT: class_agents class_agents_pkey
ALTER TABLE ONLY public.class_agents
    ADD CONSTRAINT class_agents_pkey PRIMARY KEY (class_id, agent_id, start_date);

-- CONSTRAINT: class_change_logs class_change_logs_pkey
ALTER TABLE ONLY public.class_change_logs
    ADD CONSTRAINT class_change_logs_pkey PRIMARY KEY (log_id);

-- CONSTRAINT: class_subjects class_subjects_pkey
ALTER TABLE ONLY public.class_subjects
    ADD CONSTRAINT class_subjects_pkey PRIMARY KEY (class_id, product_id);

-- CONSTRAINT: class_type_subjects class_type_subjects_class_type_id_subject_code_key
ALTER TABLE ONLY public.class_type_subjects
    ADD CONSTRAINT class_type_subjects_class_type_id_subject_code_key UNIQUE (class_type_id, subject_code);

-- CONSTRAINT: class_type_subjects class_type_subjects_pkey
ALTER TABLE ONLY public.class_type_subjects
    ADD CONSTRAINT class_type_subjects_pkey PRIMARY KEY (class_type_subject_id);

-- CONSTRAINT: class_types class_types_class_type_code_key
ALTER TABLE ONLY public.class_types
    ADD CONSTRAINT class_types_class_type_code_key UNIQUE (class_type_code);

-- CONSTRAINT: class_types class_types_pkey
ALTER TABLE ONLY public.class_types
    ADD CONSTRAINT class_types_pkey PRIMARY KEY (class_type_id);

-- CONSTRAINT: classes classes_pkey
ALTER TABLE ONLY public.classes
    ADD CONSTRAINT classes_pkey PRIMARY KEY (class_id);

-- CONSTRAINT: clients clients_pkey
ALTER TABLE ONLY public.clients
    ADD CONSTRAINT clients_pkey PRIMARY KEY (client_id);

-- CONSTRAINT: employers employers_pkey
ALTER TABLE ONLY public.employers
    ADD CONSTRAINT employers_pkey PRIMARY KEY (employer_id);

-- CONSTRAINT: learner_hours_log learner_hours_log_pkey
ALTER TABLE ONLY public.learner_hours_log
    ADD CONSTRAINT learner_hours_log_pkey PRIMARY KEY (log_id);

-- CONSTRAINT: learner_lp_tracking learner_lp_tracking_pkey
ALTER TABLE ONLY public.learner_lp_tracking
    ADD CONSTRAINT learner_lp_tracking_pkey PRIMARY KEY (tracking_id);

-- CONSTRAINT: learner_placement_level learner_placement_level_pkey
ALTER TABLE ONLY public.learner_placement_level
    ADD CONSTRAINT learner_placement_level_pkey PRIMARY KEY (placement_level_id);

-- CONSTRAINT: learner_portfolios learner_portfolios_pkey
ALTER TABLE ONLY public.learner_portfolios
    ADD CONSTRAINT learner_portfolios_pkey PRIMARY KEY (portfolio_id);

-- CONSTRAINT: learner_products learner_products_pkey
ALTER TABLE ONLY public.learner_products
    ADD CONSTRAINT learner_products_pkey PRIMARY KEY (learner_id, product_id);

-- CONSTRAINT: learner_progression_portfolios learner_progression_portfolios_pkey
ALTER TABLE ONLY public.learner_progression_portfolios
    ADD CONSTRAINT learner_progression_portfolios_pkey PRIMARY KEY (file_id);

-- CONSTRAINT: learner_progressions learner_progressions_pkey
ALTER TABLE ONLY public.learner_progressions
    ADD CONSTRAINT learner_progressions_pkey PRIMARY KEY (progression_id);

-- CONSTRAINT: learner_qualifications learner_qualifications_pkey
ALTER TABLE ONLY public.learner_qualifications
    ADD CONSTRAINT learner_qualifications_pkey PRIMARY KEY (id);

-- CONSTRAINT: learners learners_pkey
ALTER TABLE ONLY public.learners
    ADD CONSTRAINT learners_pkey PRIMARY KEY (id);

-- CONSTRAINT: locations locations_pkey
ALTER TABLE ONLY public.locations
    ADD CONSTRAINT locations_pkey PRIMARY KEY (location_id);

-- CONSTRAINT: products products_pkey
ALTER TABLE ONLY public.products
    ADD CONSTRAINT products_pkey PRIMARY KEY (product_id);

-- CONSTRAINT: qa_visits qa_visits_pkey1
ALTER TABLE ONLY public.qa_visits
    ADD CONSTRAINT qa_visits_pkey1 PRIMARY KEY (id);

-- CONSTRAINT: sites sites_pkey
ALTER TABLE ONLY public.sites
    ADD CONSTRAINT sites_pkey PRIMARY KEY (site_id);

-- CONSTRAINT: users users_email_key
ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_email_key UNIQUE (email);

-- CONSTRAINT: users users_pkey
ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (user_id);

-- INDEX: idx_agents_city
CREATE INDEX idx_agents_city ON public.agents USING btree (city);

-- INDEX: idx_agents_city_province
CREATE INDEX idx_agents_city_province ON public.agents USING btree (city, province);

-- INDEX: idx_agents_created_at
CREATE INDEX idx_agents_created_at ON public.agents USING btree (created_at);

-- INDEX: idx_agents_email
CREATE INDEX idx_agents_email ON public.agents USING btree (email_address);

-- INDEX: idx_agents_email_address
CREATE INDEX idx_agents_email_address ON public.agents USING btree (email_address);

-- INDEX: idx_agents_email_unique
CREATE UNIQUE INDEX idx_agents_email_unique ON public.agents USING btree (email_address) WHERE ((status)::text <> 'deleted'::text);

-- INDEX: idx_agents_first_name
CREATE INDEX idx_agents_first_name ON public.agents USING btree (first_name);

-- INDEX: idx_agents_phone
CREATE INDEX idx_agents_phone ON public.agents USING btree (tel_number);

-- INDEX: idx_agents_province
CREATE INDEX idx_agents_province ON public.agents USING btree (province);

-- INDEX: idx_agents_sa_id_no
CREATE INDEX idx_agents_sa_id_no ON public.agents USING btree (sa_id_no);

-- INDEX: idx_agents_sa_id_unique
CREATE UNIQUE INDEX idx_agents_sa_id_unique ON public.agents USING btree (sa_id_no) WHERE ((sa_id_no IS NOT NULL) AND ((sa_id_no)::text <> ''::text) AND ((status)::text <> 'deleted'::text));

-- INDEX: idx_agents_sace
CREATE INDEX idx_agents_sace ON public.agents USING btree (sace_number) WHERE ((sace_number IS NOT NULL) AND ((sace_number)::text <> ''::text));

-- INDEX: idx_agents_search
CREATE INDEX idx_agents_search ON public.agents USING btree (surname, first_name, email_address);

-- INDEX: idx_agents_status
CREATE INDEX idx_agents_status ON public.agents USING btree (status);

-- INDEX: idx_agents_status_created
CREATE INDEX idx_agents_status_created ON public.agents USING btree (status, created_at DESC);

-- INDEX: idx_agents_surname
CREATE INDEX idx_agents_surname ON public.agents USING btree (surname);

-- INDEX: idx_agents_tel_number
CREATE INDEX idx_agents_tel_number ON public.agents USING btree (tel_number);

-- INDEX: idx_agents_updated_at
CREATE INDEX idx_agents_updated_at ON public.agents USING btree (updated_at);

-- INDEX: idx_agents_working_areas
CREATE INDEX idx_agents_working_areas ON public.agents USING btree (preferred_working_area_1, preferred_working_area_2, preferred_working_area_3);

-- INDEX: idx_class_change_logs_changed_at
CREATE INDEX idx_class_change_logs_changed_at ON public.class_change_logs USING btree (changed_at DESC);

-- INDEX: idx_class_change_logs_class_id
CREATE INDEX idx_class_change_logs_class_id ON public.class_change_logs USING btree (class_id);

-- INDEX: idx_class_change_logs_diff_gin
CREATE INDEX idx_class_change_logs_diff_gin ON public.class_change_logs USING gin (diff);

-- INDEX: idx_class_types_active
CREATE INDEX idx_class_types_active ON public.class_types USING btree (is_active);

-- INDEX: idx_class_types_code
CREATE INDEX idx_class_types_code ON public.class_types USING btree (class_type_code);

-- INDEX: idx_class_types_display_order
CREATE INDEX idx_class_types_display_order ON public.class_types USING btree (display_order);

-- INDEX: idx_classes_backup_agent_ids
CREATE INDEX idx_classes_backup_agent_ids ON public.classes USING gin (backup_agent_ids);

-- INDEX: idx_classes_class_agent
CREATE INDEX idx_classes_class_agent ON public.classes USING btree (class_agent);

-- INDEX: idx_classes_class_code
CREATE INDEX idx_classes_class_code ON public.classes USING btree (class_code);

-- INDEX: idx_classes_class_subject
CREATE INDEX idx_classes_class_subject ON public.classes USING btree (class_subject);

-- INDEX: idx_classes_exam_learners
CREATE INDEX idx_classes_exam_learners ON public.classes USING gin (exam_learners);

-- INDEX: idx_classes_learner_ids
CREATE INDEX idx_classes_learner_ids ON public.classes USING gin (learner_ids);

-- INDEX: idx_classes_schedule_data
CREATE INDEX idx_classes_schedule_data ON public.classes USING gin (schedule_data);

-- INDEX: idx_classes_site_id
CREATE INDEX idx_classes_site_id ON public.classes USING btree (site_id);

-- INDEX: idx_clients_client_name
CREATE INDEX idx_clients_client_name ON public.clients USING btree (client_name);

-- INDEX: idx_clients_contact_email
CREATE INDEX idx_clients_contact_email ON public.clients USING btree (contact_person_email) WHERE (contact_person_email IS NOT NULL);

-- INDEX: idx_clients_contact_email_lower
CREATE INDEX idx_clients_contact_email_lower ON public.clients USING btree (lower((contact_person_email)::text)) WHERE (contact_person_email IS NOT NULL);

-- INDEX: idx_cts_active
CREATE INDEX idx_cts_active ON public.class_type_subjects USING btree (is_active);

-- INDEX: idx_cts_code
CREATE INDEX idx_cts_code ON public.class_type_subjects USING btree (subject_code);

-- INDEX: idx_cts_display
CREATE INDEX idx_cts_display ON public.class_type_subjects USING btree (class_type_id, display_order);

-- INDEX: idx_cts_type_id
CREATE INDEX idx_cts_type_id ON public.class_type_subjects USING btree (class_type_id);

-- INDEX: idx_hours_log_date
CREATE INDEX idx_hours_log_date ON public.learner_hours_log USING btree (log_date);

-- INDEX: idx_hours_log_learner
CREATE INDEX idx_hours_log_learner ON public.learner_hours_log USING btree (learner_id);

-- INDEX: idx_hours_log_tracking
CREATE INDEX idx_hours_log_tracking ON public.learner_hours_log USING btree (tracking_id);

-- INDEX: idx_lp_tracking_class
CREATE INDEX idx_lp_tracking_class ON public.learner_lp_tracking USING btree (class_id);

-- INDEX: idx_lp_tracking_completion
CREATE INDEX idx_lp_tracking_completion ON public.learner_lp_tracking USING btree (completion_date);

-- INDEX: idx_lp_tracking_learner
CREATE INDEX idx_lp_tracking_learner ON public.learner_lp_tracking USING btree (learner_id);

-- INDEX: idx_lp_tracking_product
CREATE INDEX idx_lp_tracking_product ON public.learner_lp_tracking USING btree (product_id);

-- INDEX: idx_lp_tracking_status
CREATE INDEX idx_lp_tracking_status ON public.learner_lp_tracking USING btree (status);

-- INDEX: idx_one_active_lp_per_learner
CREATE UNIQUE INDEX idx_one_active_lp_per_learner ON public.learner_lp_tracking USING btree (learner_id) WHERE ((status)::text = 'in_progress'::text);

-- INDEX: idx_progression_portfolios_tracking
CREATE INDEX idx_progression_portfolios_tracking ON public.learner_progression_portfolios USING btree (tracking_id);

-- INDEX: idx_sites_client_hierarchy
CREATE INDEX idx_sites_client_hierarchy ON public.sites USING btree (client_id, parent_site_id);

-- INDEX: idx_sites_client_id
CREATE INDEX idx_sites_client_id ON public.sites USING btree (client_id);

-- INDEX: idx_sites_client_place
CREATE INDEX idx_sites_client_place ON public.sites USING btree (client_id, place_id);

-- INDEX: idx_sites_created_at
CREATE INDEX idx_sites_created_at ON public.sites USING btree (created_at);

-- INDEX: idx_sites_place_lookup
CREATE INDEX idx_sites_place_lookup ON public.sites USING btree (place_id);

-- INDEX: idx_sites_site_name
CREATE INDEX idx_sites_site_name ON public.sites USING btree (site_name);

-- INDEX: idx_sites_site_name_lower
CREATE INDEX idx_sites_site_name_lower ON public.sites USING btree (lower((site_name)::text));

-- INDEX: idxu_sites_client_head_site_name_ci
CREATE UNIQUE INDEX idxu_sites_client_head_site_name_ci ON public.sites USING btree (client_id, lower((site_name)::text)) WHERE (parent_site_id IS NULL);

-- INDEX: idxu_sites_parent_site_name_ci
CREATE UNIQUE INDEX idxu_sites_parent_site_name_ci ON public.sites USING btree (parent_site_id, lower((site_name)::text)) WHERE (parent_site_id IS NOT NULL);

-- INDEX: ix_clients_main_client_id
CREATE INDEX ix_clients_main_client_id ON public.clients USING btree (main_client_id);

-- INDEX: ix_sites_parent
CREATE INDEX ix_sites_parent ON public.sites USING btree (parent_site_id);

-- INDEX: ix_sites_place
CREATE INDEX ix_sites_place ON public.sites USING btree (place_id);

-- INDEX: uq_sites_client_lowername
CREATE UNIQUE INDEX uq_sites_client_lowername ON public.sites USING btree (client_id, lower((site_name)::text));

-- TRIGGER: classes classes_log_insert_update
CREATE TRIGGER classes_log_insert_update AFTER INSERT OR UPDATE ON public.classes FOR EACH ROW EXECUTE FUNCTION public.log_class_change();

-- TRIGGER: sites trg_sites_same_client
CREATE TRIGGER trg_sites_same_client BEFORE INSERT OR UPDATE OF client_id, parent_site_id ON public.sites FOR EACH ROW EXECUTE FUNCTION public.fn_sites_same_client();

-- TRIGGER: agents update_agents_updated_at
CREATE TRIGGER update_agents_updated_at BEFORE UPDATE ON public.agents FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();

-- FK CONSTRAINT: agent_replacements agent_replacements_class_id_fkey
ALTER TABLE ONLY public.agent_replacements
    ADD CONSTRAINT agent_replacements_class_id_fkey FOREIGN KEY (class_id) REFERENCES public.classes(class_id);

-- FK CONSTRAINT: agent_replacements agent_replacements_original_agent_id_fkey
ALTER TABLE ONLY public.agent_replacements
    ADD CONSTRAINT agent_replacements_original_agent_id_fkey FOREIGN KEY (original_agent_id) REFERENCES public.agents(agent_id);

-- FK CONSTRAINT: agent_replacements agent_replacements_replacement_agent_id_fkey
ALTER TABLE ONLY public.agent_replacements
    ADD CONSTRAINT agent_replacements_replacement_agent_id_fkey FOREIGN KEY (replacement_agent_id) REFERENCES public.agents(agent_id);

-- FK CONSTRAINT: agents agents_preferred_working_area_1_fkey
ALTER TABLE ONLY public.agents
    ADD CONSTRAINT agents_preferred_working_area_1_fkey FOREIGN KEY (preferred_working_area_1) REFERENCES public.locations(location_id);

-- FK CONSTRAINT: agents agents_preferred_working_area_2_fkey
ALTER TABLE ONLY public.agents
    ADD CONSTRAINT agents_preferred_working_area_2_fkey FOREIGN KEY (preferred_working_area_2) REFERENCES public.locations(location_id);

-- FK CONSTRAINT: agents agents_preferred_working_area_3_fkey
ALTER TABLE ONLY public.agents
    ADD CONSTRAINT agents_preferred_working_area_3_fkey FOREIGN KEY (preferred_working_area_3) REFERENCES public.locations(location_id);

-- FK CONSTRAINT: class_agents class_agents_agent_id_fkey
ALTER TABLE ONLY public.class_agents
    ADD CONSTRAINT class_agents_agent_id_fkey FOREIGN KEY (agent_id) REFERENCES public.agents(agent_id);

-- FK CONSTRAINT: class_agents class_agents_class_id_fkey
ALTER TABLE ONLY public.class_agents
    ADD CONSTRAINT class_agents_class_id_fkey FOREIGN KEY (class_id) REFERENCES public.classes(class_id);

-- FK CONSTRAINT: class_change_logs class_change_logs_class_id_fkey
ALTER TABLE ONLY public.class_change_logs
    ADD CONSTRAINT class_change_logs_class_id_fkey FOREIGN KEY (class_id) REFERENCES public.classes(class_id) ON UPDATE CASCADE ON DELETE SET NULL;

-- FK CONSTRAINT: class_subjects class_subjects_class_id_fkey
ALTER TABLE ONLY public.class_subjects
    ADD CONSTRAINT class_subjects_class_id_fkey FOREIGN KEY (class_id) REFERENCES public.classes(class_id);

-- FK CONSTRAINT: class_subjects class_subjects_product_id_fkey
ALTER TABLE ONLY public.class_subjects
    ADD CONSTRAINT class_subjects_product_id_fkey FOREIGN KEY (product_id) REFERENCES public.products(product_id);

-- FK CONSTRAINT: class_type_subjects class_type_subjects_class_type_id_fkey
ALTER TABLE ONLY public.class_type_subjects
    ADD CONSTRAINT class_type_subjects_class_type_id_fkey FOREIGN KEY (class_type_id) REFERENCES public.class_types(class_type_id) ON DELETE CASCADE;

-- FK CONSTRAINT: classes classes_client_id_fkey
ALTER TABLE ONLY public.classes
    ADD CONSTRAINT classes_client_id_fkey FOREIGN KEY (client_id) REFERENCES public.clients(client_id);

-- FK CONSTRAINT: classes classes_project_supervisor_id_fkey
ALTER TABLE ONLY public.classes
    ADD CONSTRAINT classes_project_supervisor_id_fkey FOREIGN KEY (project_supervisor_id) REFERENCES public.users(user_id);

-- FK CONSTRAINT: clients clients_main_client_id_fkey
ALTER TABLE ONLY public.clients
    ADD CONSTRAINT clients_main_client_id_fkey FOREIGN KEY (main_client_id) REFERENCES public.clients(client_id) ON UPDATE CASCADE ON DELETE SET NULL;

-- FK CONSTRAINT: classes fk_classes_agent
ALTER TABLE ONLY public.classes
    ADD CONSTRAINT fk_classes_agent FOREIGN KEY (class_agent) REFERENCES public.agents(agent_id) ON UPDATE CASCADE ON DELETE SET NULL;

-- FK CONSTRAINT: classes fk_classes_site
ALTER TABLE ONLY public.classes
    ADD CONSTRAINT fk_classes_site FOREIGN KEY (site_id) REFERENCES public.sites(site_id) ON DELETE SET NULL;

-- FK CONSTRAINT: learners fk_highest_qualification
ALTER TABLE ONLY public.learners
    ADD CONSTRAINT fk_highest_qualification FOREIGN KEY (highest_qualification) REFERENCES public.learner_qualifications(id);

-- COMMENT: CONSTRAINT fk_highest_qualification ON learners
COMMENT ON CONSTRAINT fk_highest_qualification ON public.learners IS 'Ensures that highest_qualification in learners references a valid id in learner_qualifications.';

-- FK CONSTRAINT: learner_hours_log fk_hours_log_class
ALTER TABLE ONLY public.learner_hours_log
    ADD CONSTRAINT fk_hours_log_class FOREIGN KEY (class_id) REFERENCES public.classes(class_id);

-- FK CONSTRAINT: learner_hours_log fk_hours_log_learner
ALTER TABLE ONLY public.learner_hours_log
    ADD CONSTRAINT fk_hours_log_learner FOREIGN KEY (learner_id) REFERENCES public.learners(id) ON DELETE CASCADE;

-- FK CONSTRAINT: learner_hours_log fk_hours_log_product
ALTER TABLE ONLY public.learner_hours_log
    ADD CONSTRAINT fk_hours_log_product FOREIGN KEY (product_id) REFERENCES public.products(product_id);

-- FK CONSTRAINT: learner_hours_log fk_hours_log_tracking
ALTER TABLE ONLY public.learner_hours_log
    ADD CONSTRAINT fk_hours_log_tracking FOREIGN KEY (tracking_id) REFERENCES public.learner_lp_tracking(tracking_id) ON DELETE SET NULL;

-- FK CONSTRAINT: learner_lp_tracking fk_lp_tracking_class
ALTER TABLE ONLY public.learner_lp_tracking
    ADD CONSTRAINT fk_lp_tracking_class FOREIGN KEY (class_id) REFERENCES public.classes(class_id);

-- FK CONSTRAINT: learner_lp_tracking fk_lp_tracking_learner
ALTER TABLE ONLY public.learner_lp_tracking
    ADD CONSTRAINT fk_lp_tracking_learner FOREIGN KEY (learner_id) REFERENCES public.learners(id) ON DELETE CASCADE;

-- FK CONSTRAINT: learner_lp_tracking fk_lp_tracking_product
ALTER TABLE ONLY public.learner_lp_tracking
    ADD CONSTRAINT fk_lp_tracking_product FOREIGN KEY (product_id) REFERENCES public.products(product_id);

-- FK CONSTRAINT: learners fk_placement_level
ALTER TABLE ONLY public.learners
    ADD CONSTRAINT fk_placement_level FOREIGN KEY (numeracy_level) REFERENCES public.learner_placement_level(placement_level_id) ON UPDATE CASCADE;

-- FK CONSTRAINT: learner_progression_portfolios fk_portfolio_tracking
ALTER TABLE ONLY public.learner_progression_portfolios
    ADD CONSTRAINT fk_portfolio_tracking FOREIGN KEY (tracking_id) REFERENCES public.learner_lp_tracking(tracking_id) ON DELETE CASCADE;

-- FK CONSTRAINT: qa_visits fk_qa_visits_class
ALTER TABLE ONLY public.qa_visits
    ADD CONSTRAINT fk_qa_visits_class FOREIGN KEY (class_id) REFERENCES public.classes(class_id) ON DELETE CASCADE;

-- FK CONSTRAINT: sites fk_sites_client
ALTER TABLE ONLY public.sites
    ADD CONSTRAINT fk_sites_client FOREIGN KEY (client_id) REFERENCES public.clients(client_id) ON DELETE CASCADE;

-- FK CONSTRAINT: learner_portfolios learner_portfolios_learner_id_fkey
ALTER TABLE ONLY public.learner_portfolios
    ADD CONSTRAINT learner_portfolios_learner_id_fkey FOREIGN KEY (learner_id) REFERENCES public.learners(id) ON UPDATE CASCADE ON DELETE CASCADE;

-- FK CONSTRAINT: learner_products learner_products_learner_id_fkey
ALTER TABLE ONLY public.learner_products
    ADD CONSTRAINT learner_products_learner_id_fkey FOREIGN KEY (learner_id) REFERENCES public.learners(id);

-- FK CONSTRAINT: learner_products learner_products_product_id_fkey
ALTER TABLE ONLY public.learner_products
    ADD CONSTRAINT learner_products_product_id_fkey FOREIGN KEY (product_id) REFERENCES public.products(product_id);

-- FK CONSTRAINT: learner_progressions learner_progressions_from_product_id_fkey
ALTER TABLE ONLY public.learner_progressions
    ADD CONSTRAINT learner_progressions_from_product_id_fkey FOREIGN KEY (from_product_id) REFERENCES public.products(product_id);

-- FK CONSTRAINT: learner_progressions learner_progressions_learner_id_fkey
ALTER TABLE ONLY public.learner_progressions
    ADD CONSTRAINT learner_progressions_learner_id_fkey FOREIGN KEY (learner_id) REFERENCES public.learners(id);

-- FK CONSTRAINT: learner_progressions learner_progressions_to_product_id_fkey
ALTER TABLE ONLY public.learner_progressions
    ADD CONSTRAINT learner_progressions_to_product_id_fkey FOREIGN KEY (to_product_id) REFERENCES public.products(product_id);

-- FK CONSTRAINT: learners learners_city_town_id_fkey
ALTER TABLE ONLY public.learners
    ADD CONSTRAINT learners_city_town_id_fkey FOREIGN KEY (city_town_id) REFERENCES public.locations(location_id);

-- FK CONSTRAINT: learners learners_employer_id_fkey
ALTER TABLE ONLY public.learners
    ADD CONSTRAINT learners_employer_id_fkey FOREIGN KEY (employer_id) REFERENCES public.employers(employer_id);

-- FK CONSTRAINT: learners learners_province_region_id_fkey
ALTER TABLE ONLY public.learners
    ADD CONSTRAINT learners_province_region_id_fkey FOREIGN KEY (province_region_id) REFERENCES public.locations(location_id);

-- FK CONSTRAINT: products products_parent_product_id_fkey
ALTER TABLE ONLY public.products
    ADD CONSTRAINT products_parent_product_id_fkey FOREIGN KEY (parent_product_id) REFERENCES public.products(product_id);

-- FK CONSTRAINT: sites sites_parent_site_id_fkey
ALTER TABLE ONLY public.sites
    ADD CONSTRAINT sites_parent_site_id_fkey FOREIGN KEY (parent_site_id) REFERENCES public.sites(site_id) ON UPDATE CASCADE ON DELETE RESTRICT;

-- FK CONSTRAINT: sites sites_place_id_fkey
ALTER TABLE ONLY public.sites
    ADD CONSTRAINT sites_place_id_fkey FOREIGN KEY (place_id) REFERENCES public.locations(location_id) ON UPDATE CASCADE ON DELETE RESTRICT;

-- ACL: SCHEMA public
REVOKE USAGE ON SCHEMA public FROM PUBLIC;
